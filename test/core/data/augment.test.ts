import { describe, expect, it } from 'vitest';
import { drawAugment, type SampleAugment } from '../../../core/data/augment';
import { createNormalizer, jitterInPlace, writeSample } from '../../../core/data/normalize';
import { createRng } from '../../../core/data/rng';
import { seedOf } from '../../../core/data/hash';

const C = 3;
const H = 5;
const W = 7;
const src = Uint8Array.from({ length: C * H * W }, (_, i) => (i * 29 + 7) % 256);
const ident = createNormalizer([0, 0, 0], [1, 1, 1]);
const at = (a: ArrayLike<number>, c: number, y: number, x: number): number => a[c * H * W + y * W + x]!;

function run(aug: SampleAugment | null): Float32Array {
  const out = new Float32Array(C * H * W);
  writeSample(src, 0, C, H, W, aug, ident, out, 0);
  return out;
}

describe('augmentation', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const o = { cropPadding: 2, hflip: true, brightness: 0.3, contrast: 0.3 };
    const a = Array.from({ length: 20 }, (_, i) => drawAugment(createRng(seedOf(1, 0, i)), o));
    const b = Array.from({ length: 20 }, (_, i) => drawAugment(createRng(seedOf(1, 0, i)), o));
    const c = Array.from({ length: 20 }, (_, i) => drawAugment(createRng(seedOf(2, 0, i)), o));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    for (const s of a) {
      expect(Math.abs(s.dy)).toBeLessThanOrEqual(2);
      expect(Math.abs(s.dx)).toBeLessThanOrEqual(2);
      expect(s.brightness).toBeGreaterThanOrEqual(0.7);
      expect(s.brightness).toBeLessThan(1.3);
    }
    // All offsets in [-P, P] occur.
    const many = Array.from({ length: 500 }, (_, i) => drawAugment(createRng(seedOf(9, 1, i)), { cropPadding: 2 }).dx);
    expect(new Set(many)).toEqual(new Set([-2, -1, 0, 1, 2]));
  });

  it('without augmentation writes x/255', () => {
    const out = run(null);
    for (let i = 0; i < out.length; i++) expect(out[i]).toBeCloseTo(src[i]! / 255, 6);
  });

  it('flip is an exact mirror', () => {
    const out = run({ dy: 0, dx: 0, flip: true, brightness: 1, contrast: 1 });
    for (let c = 0; c < C; c++)
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++) {
          expect(at(out, c, y, x)).toBe(at(run(null), c, y, W - 1 - x));
        }
  });

  it('crop with padding equals pad-with-zeros then crop, for every offset', () => {
    const P = 2;
    const Hp = H + 2 * P;
    const Wp = W + 2 * P;
    const padded = new Float32Array(C * Hp * Wp);
    for (let c = 0; c < C; c++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) padded[c * Hp * Wp + (y + P) * Wp + x + P] = at(src, c, y, x) / 255;
    for (let oy = 0; oy <= 2 * P; oy++)
      for (let ox = 0; ox <= 2 * P; ox++)
        for (const flip of [false, true]) {
          const out = run({ dy: oy - P, dx: ox - P, flip, brightness: 1, contrast: 1 });
          for (let c = 0; c < C; c++)
            for (let y = 0; y < H; y++)
              for (let x = 0; x < W; x++) {
                const xc = flip ? W - 1 - x : x; // torchvision: crop, then flip
                expect(at(out, c, y, x)).toBeCloseTo(padded[c * Hp * Wp + (y + oy) * Wp + xc + ox]!, 6);
              }
        }
  });

  it('brightness and contrast follow torchvision', () => {
    const buf = Float32Array.from([0.2, 0.9, 0.5, 0.1]);
    jitterInPlace(buf, 1, 4, 1.5, 1); // scale, clamp at 1
    expect(Array.from(buf)).toEqual([0.2 * 1.5, 1, 0.75, 0.1 * 1.5].map(Math.fround));
    const b2 = Float32Array.from([0.2, 0.6]);
    jitterInPlace(b2, 1, 2, 1, 2); // mean 0.4: 2x - 0.4
    expect(b2[0]).toBeCloseTo(0, 6);
    expect(b2[1]).toBeCloseTo(0.8, 6);
    // RGB contrast uses the 601 grey mean.
    const rgb = Float32Array.from([1, 0, 0]);
    jitterInPlace(rgb, 3, 1, 1, 0.5);
    const m = 0.299;
    expect(rgb[0]).toBeCloseTo(0.5 + 0.5 * m, 6);
    expect(rgb[1]).toBeCloseTo(0.5 * m, 6);
  });

  it('the fused jitter path equals crop/flip, then jitterInPlace, then normalise', () => {
    const norm = createNormalizer([0.3, 0.5, 0.1], [0.2, 0.4, 0.3]);
    for (const aug of [
      { dy: 1, dx: -2, flip: true, brightness: 1.3, contrast: 0.7 },
      { dy: 0, dx: 1, flip: false, brightness: 0.6, contrast: 1 },
      { dy: -1, dx: 0, flip: false, brightness: 1, contrast: 1.4 },
    ]) {
      const ref = run({ ...aug, brightness: 1, contrast: 1 }); // x/255 after geometry
      jitterInPlace(ref, C, H * W, aug.brightness, aug.contrast);
      const out = new Float32Array(C * H * W);
      writeSample(src, 0, C, H, W, aug, norm, out, 0);
      for (let ch = 0; ch < C; ch++)
        for (let i = 0; i < H * W; i++) {
          expect(out[ch * H * W + i]).toBeCloseTo((ref[ch * H * W + i]! - norm.mean[ch]!) / norm.std[ch]!, 5);
        }
    }
  });

  it('normalises after augmenting: padded zeros become -mean/std', () => {
    const norm = createNormalizer([0.5, 0.25, 0], [0.5, 0.25, 2]);
    const out = new Float32Array(C * H * W);
    writeSample(src, 0, C, H, W, { dy: -1, dx: 0, flip: false, brightness: 1.0001, contrast: 1 }, norm, out, 0);
    expect(at(out, 0, 0, 3)).toBeCloseTo(-1, 5);
    expect(at(out, 1, 0, 3)).toBeCloseTo(-1, 5);
    expect(at(out, 2, 0, 3)).toBeCloseTo(0, 5);
    expect(at(out, 0, 1, 3)).toBeCloseTo((Math.min(1, (at(src, 0, 0, 3) / 255) * 1.0001) - 0.5) / 0.5, 4);
  });
});
