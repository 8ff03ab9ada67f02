import { describe, expect, it } from 'vitest';
import { rgbToPlanarWithSums } from '../../../core/data/planar';
import { createRng } from '../../../core/data/rng';

/** The obvious per-pixel definition the fast path must equal. */
function reference(src: Uint8Array, plane: number): { planar: Uint8Array; sum: number[]; sq: number[] } {
  const planar = new Uint8Array(3 * plane);
  const sum = [0, 0, 0];
  const sq = [0, 0, 0];
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      const v = src[3 * i + c]!;
      planar[c * plane + i] = v;
      sum[c]! += v;
      sq[c]! += v * v;
    }
  }
  return { planar, sum, sq };
}

function randomBytes(n: number, seed: number): Uint8Array {
  const rng = createRng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(256);
  return out;
}

describe('rgbToPlanarWithSums', () => {
  // 224x224 and 28x28: the word path; 227x227 and 5x3: planes that are not whole words.
  it.each([
    [224, 224],
    [28, 28],
    [227, 227],
    [5, 3],
    [1, 1],
  ])('equals the per-pixel definition at %ix%i', (h, w) => {
    const plane = h * w;
    const src = randomBytes(3 * plane, h * 1000 + w);
    const got = rgbToPlanarWithSums(src, plane);
    const want = reference(src, plane);
    expect(Buffer.compare(got.planar, want.planar)).toBe(0);
    expect(got.sum).toEqual(want.sum);
    expect(got.sq).toEqual(want.sq);
  });

  it('reads a source that does not start on a word (a slice of a larger buffer)', () => {
    const plane = 16 * 16;
    const backing = randomBytes(3 * plane + 1, 9);
    const src = backing.subarray(1);
    const got = rgbToPlanarWithSums(src, plane);
    const want = reference(src, plane);
    expect(Buffer.compare(got.planar, want.planar)).toBe(0);
    expect(got.sum).toEqual(want.sum);
  });

  it('gives the extremes exactly: all 255 over a large image', () => {
    const plane = 1024 * 1024;
    const got = rgbToPlanarWithSums(new Uint8Array(3 * plane).fill(255), plane);
    expect(got.sum).toEqual([255 * plane, 255 * plane, 255 * plane]);
    expect(got.sq).toEqual([65025 * plane, 65025 * plane, 65025 * plane]);
  });

  it('starts each call from zero counts (no carry-over between images)', () => {
    rgbToPlanarWithSums(new Uint8Array(12).fill(200), 4);
    expect(rgbToPlanarWithSums(new Uint8Array(12), 4).sum).toEqual([0, 0, 0]);
  });

  it('refuses a source shorter than 3 bytes per pixel', () => {
    expect(() => rgbToPlanarWithSums(new Uint8Array(5), 2)).toThrow(/expected 6 RGB bytes, got 5/);
  });
});
