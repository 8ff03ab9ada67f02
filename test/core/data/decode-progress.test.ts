import { describe, expect, it } from 'vitest';
import { decodeProgressText, decodeRate } from '../../../core/data/decode-progress';

describe('decode progress', () => {
  it('rates only the images actually decoded: cache hits count as done but not as speed', () => {
    // 1000 of 3000 were already cached; 200 decoded + 40 unreadable in 2 s = 120 images/s.
    const p = { done: 1240, total: 3000, decoded: 200, failed: 40 };
    const r = decodeRate(p, 2);
    expect(r.imagesPerSecond).toBeCloseTo(120, 10);
    expect(r.etaSeconds).toBeCloseTo(1760 / 120, 10);
    expect(decodeProgressText(p, r)).toBe('decoding images 1240/3000 (40 unreadable), 120 images/s, about 15 s left');
  });

  it('says nothing about speed before the first image is decoded', () => {
    const p = { done: 1000, total: 3000, decoded: 0, failed: 0 };
    expect(decodeRate(p, 1)).toEqual({ imagesPerSecond: null, etaSeconds: null });
    expect(decodeProgressText(p, decodeRate(p, 0))).toBe('decoding images 1000/3000');
  });

  it('writes long waits in minutes and hours', () => {
    // 10 decoded in 10 s: 1 image/s, so `left` images take `left` seconds.
    const line = (left: number): string => {
      const p = { done: 10, total: left + 10, decoded: 10, failed: 0 };
      return decodeProgressText(p, decodeRate(p, 10));
    };
    expect(line(0.5)).toMatch(/about under a second left$/);
    expect(line(42)).toMatch(/about 42 s left$/);
    expect(line(600)).toMatch(/about 10 min left$/);
    expect(line(4 * 3600 + 30 * 60)).toMatch(/about 4 h 30 min left$/);
  });
});
