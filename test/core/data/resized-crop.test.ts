/**
 * RandomResizedCrop and the crop resampler against torchvision itself (python3-torchvision):
 * the same random numbers give the same boxes, and resized_crop gives the same pixels.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PYTHON } from '../../helpers/python-torch';
import { createRng, type Rng } from '../../../core/data/rng';
import {
  createBoxResampler,
  drawResizedCropBox,
  evaluationBox,
  IMAGENET_RESIZED_CROP,
  resampleBox,
  storeSide,
  type CropBox,
} from '../../../core/data/resized-crop';

/** An Rng that also records every uniform number it hands out, in order. */
function recording(seed: number): { rng: Rng; drawn: number[] } {
  const inner = createRng(seed);
  const drawn: number[] = [];
  const next = (): number => {
    const v = inner.next();
    drawn.push(v);
    return v;
  };
  return { drawn, rng: { next, int: (n) => Math.floor(next() * n), uniform: (lo, hi) => lo + (hi - lo) * next() } };
}

interface Reference {
  boxes: number[][];
  resampled: number[][];
}

function torchvision(request: unknown): Reference {
  const r = spawnSync(PYTHON, [path.join(__dirname, 'torchvision-resized-crop.py')], { input: JSON.stringify(request), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`torchvision reference failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Reference;
}

function image(c: number, h: number, w: number): Uint8Array {
  const out = new Uint8Array(c * h * w);
  for (let i = 0; i < out.length; i++) out[i] = (i * 37 + Math.floor(i / w) * 11) % 256;
  return out;
}

describe('RandomResizedCrop', () => {
  it("draws torchvision's boxes from the same random numbers, fallback included", () => {
    const sizes: Array<[number, number]> = [
      [640, 480],
      [240, 320],
      [500, 500],
      [1000, 200],
      [37, 90],
      [3, 3],
    ];
    const cases: Array<{ width: number; height: number; scale: number[]; ratio: number[]; uniforms: number[] }> = [];
    const ours: CropBox[] = [];
    let seed = 1;
    for (const [width, height] of sizes) {
      for (const opts of [IMAGENET_RESIZED_CROP, { scale: [0.9, 1], ratio: [3, 4] } as const]) {
        for (let k = 0; k < 40; k++) {
          const { rng, drawn } = recording(seed++);
          ours.push(drawResizedCropBox(rng, width, height, opts));
          cases.push({ width, height, scale: [...opts.scale], ratio: [...opts.ratio], uniforms: drawn });
        }
      }
    }
    const ref = torchvision({ cases, resample: [] });
    expect(ours.map((b) => [b.y, b.x, b.h, b.w])).toEqual(ref.boxes);
    // The wide-ratio option cannot fit [3, 4] inside a 1000x200 image only by chance: the fallback ran.
    expect(ours.length).toBe(sizes.length * 80);
  });

  it('resamples a box as torchvision.resized_crop (bilinear, no antialias) when the store is the original', () => {
    const c = 3,
      h = 23,
      w = 31;
    const src = image(c, h, w);
    const items: Array<{ box: CropBox; size: [number, number] }> = [
      { box: { x: 0, y: 0, w, h }, size: [16, 16] },
      { box: { x: 5, y: 3, w: 12, h: 17 }, size: [20, 14] },
      { box: { x: 30, y: 22, w: 1, h: 1 }, size: [4, 4] },
      { box: { x: 2, y: 1, w: 28, h: 20 }, size: [9, 27] },
    ];
    const ref = torchvision({
      cases: [],
      resample: items.map((it) => ({ image: [...src], c, h, w, box: [it.box.y, it.box.x, it.box.h, it.box.w], size: it.size })),
    });
    items.forEach((it, k) => {
      const [oh, ow] = it.size;
      const out = new Uint8Array(c * oh * ow);
      resampleBox(src, 0, c, { height: h, width: w }, { height: h, width: w }, it.box, out, oh, ow);
      const want = ref.resampled[k]!;
      const off = [...out].map((v, i) => Math.abs(v - want[i]!));
      // float32 (torch) against float64 (here) may round a .5 the other way: never more than 1.
      expect(Math.max(...off), `box ${k}`).toBeLessThanOrEqual(1);
      expect(off.filter((d) => d > 0).length / off.length, `box ${k}`).toBeLessThan(0.02);
    });
  });

  it('reads a box of the original through a stretched store: a constant region stays constant', () => {
    // Original 400x300: left half 10, right half 200. Stored stretched to 8x8 (sx = 8/400, sy = 8/300).
    const store = new Uint8Array(64).map((_, i) => (i % 8 < 4 ? 10 : 200));
    const out = new Uint8Array(16);
    resampleBox(store, 0, 1, { height: 8, width: 8 }, { height: 300, width: 400 }, { x: 0, y: 50, w: 150, h: 200 }, out, 4, 4);
    expect([...out]).toEqual(new Array(16).fill(10));
    resampleBox(store, 0, 1, { height: 8, width: 8 }, { height: 300, width: 400 }, { x: 250, y: 0, w: 150, h: 300 }, out, 4, 4);
    expect([...out]).toEqual(new Array(16).fill(200));
  });
});

describe('separable resampler', () => {
  it('gives resampleBox bit for bit: random crops, centre boxes, up- and downsampling, edges', () => {
    const rng = createRng(11);
    const store = { height: 37, width: 37 };
    const src = Uint8Array.from({ length: 3 * 37 * 37 + 5 }, () => rng.int(256));
    for (const [outH, outW] of [
      [32, 32],
      [20, 28],
      [48, 40],
    ] as const) {
      const fast = createBoxResampler(3, store, outH, outW);
      for (let t = 0; t < 60; t++) {
        const original = { width: 20 + rng.int(90), height: 20 + rng.int(90) };
        const box: CropBox =
          t % 3 === 0
            ? evaluationBox(original.width, original.height, 'center-crop', outH, outW)
            : drawResizedCropBox(rng, original.width, original.height, { scale: [0.01, 1], ratio: [0.3, 3] });
        const want = new Uint8Array(3 * outH * outW);
        const got = new Uint8Array(3 * outH * outW);
        resampleBox(src, 5, 3, store, original, box, want, outH, outW);
        fast.resample(src, 5, original, box, got);
        expect(got, `${outH}x${outW} box ${JSON.stringify(box)} of ${original.width}x${original.height}`).toEqual(want);
        // Flipped: every output row of resampleBox's result, reversed.
        const mirrored = new Uint8Array(want.length);
        for (let r = 0; r < 3 * outH; r++) mirrored.set(want.subarray(r * outW, (r + 1) * outW).reverse(), r * outW);
        fast.resample(src, 5, original, box, got, true);
        expect(got, `flipped ${outH}x${outW} box ${JSON.stringify(box)}`).toEqual(mirrored);
      }
    }
  });
});

describe('evaluation box and store size', () => {
  it('center-crop keeps the largest centred box with the model aspect; stretch the whole image', () => {
    expect(evaluationBox(640, 480, 'center-crop', 224, 224)).toEqual({ x: 80, y: 0, w: 480, h: 480 });
    // A 64-wide, 32-high model keeps a 2:1 band of a portrait image.
    expect(evaluationBox(300, 600, 'center-crop', 32, 64)).toEqual({ x: 0, y: 225, w: 300, h: 150 });
    expect(evaluationBox(640, 480, 'stretch', 224, 224)).toEqual({ x: 0, y: 0, w: 640, h: 480 });
  });

  it("stores 8/7 of the model's side: ImageNet's 256 for 224", () => {
    expect(storeSide(224, 224)).toBe(256);
    expect(storeSide(64, 48)).toBe(74);
  });
});
