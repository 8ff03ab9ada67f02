/**
 * Crops of the original image, resampled to the model's size from a stored copy.
 *
 * The store (main/data: "storage resolution") keeps every image stretched to a fixed S x S
 * square, S a little larger than the model's side, and remembers the original width W0 and
 * height H0. A box in original pixels (x, y, w, h) is the box (x sx, y sy, w sx, h sy) in store
 * pixels, with sx = S / W0, sy = S / H0; so crops are drawn with the original's geometry (aspect
 * ratios and areas as torchvision computes them on the decoded photo) and read from the store.
 *
 * RandomResizedCrop follows torchvision's get_params (transforms.RandomResizedCrop):
 *   area = W0 H0; up to 10 tries: target = area * U(scale), r = exp(U(log ratio)),
 *   w = round(sqrt(target r)), h = round(sqrt(target / r)); accept when 0 < w <= W0 and
 *   0 < h <= H0, at a uniform integer offset (y in [0, H0 - h], x in [0, W0 - w]).
 *   After 10 failures: the central crop with the aspect ratio clamped into the ratio range.
 */
import type { Rng } from './rng';

export interface CropBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface ResizedCropOptions {
  /** fraction of the image's area, torchvision default [0.08, 1] */
  scale: readonly [number, number];
  /** width / height, torchvision default [3/4, 4/3] */
  ratio: readonly [number, number];
}

export const IMAGENET_RESIZED_CROP: ResizedCropOptions = { scale: [0.08, 1], ratio: [3 / 4, 4 / 3] };

/** Python's round(): half to even, as torchvision's int(round(...)) does. */
function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** torchvision's RandomResizedCrop.get_params on a W0 x H0 image (integer box in original pixels). */
export function drawResizedCropBox(rng: Rng, width: number, height: number, o: ResizedCropOptions): CropBox {
  const area = width * height;
  const logLo = Math.log(o.ratio[0]);
  const logHi = Math.log(o.ratio[1]);
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * rng.uniform(o.scale[0], o.scale[1]);
    const aspect = Math.exp(rng.uniform(logLo, logHi));
    const w = roundHalfEven(Math.sqrt(target * aspect));
    const h = roundHalfEven(Math.sqrt(target / aspect));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      const y = rng.int(height - h + 1);
      const x = rng.int(width - w + 1);
      return { x, y, w, h };
    }
  }
  return centralFallbackBox(width, height, o.ratio);
}

function centralFallbackBox(width: number, height: number, ratio: readonly [number, number]): CropBox {
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < Math.min(...ratio)) h = roundHalfEven(w / Math.min(...ratio));
  else if (inRatio > Math.max(...ratio)) w = roundHalfEven(h * Math.max(...ratio));
  return { x: Math.floor((width - w) / 2), y: Math.floor((height - h) / 2), w, h };
}

/**
 * The evaluation box with the studio's resize policies (main/data/decode.ts), in original pixels:
 * center-crop = the largest centred box with the model's aspect ratio (what "scale to cover, crop
 * the centre" keeps); stretch = the whole image.
 */
export function evaluationBox(width: number, height: number, policy: 'center-crop' | 'stretch', outH: number, outW: number): CropBox {
  if (policy === 'stretch') return { x: 0, y: 0, w: width, h: height };
  const scale = Math.max(outW / width, outH / height);
  const w = outW / scale;
  const h = outH / scale;
  return { x: (width - w) / 2, y: (height - h) / 2, w, h };
}

/**
 * Source coordinates stay inside the box (as cropping first, then resizing, does: torchvision's
 * resized_crop), and inside the store.
 */
function clampRange(start: number, size: number, limit: number): [number, number] {
  const lo = Math.min(Math.max(start, 0), limit - 1);
  const hi = Math.min(Math.max(start + size - 1, lo), limit - 1);
  return [lo, hi];
}

/**
 * Bilinear resample of `box` (in original pixels of a W0 x H0 image) from a CHW uint8 store sample
 * of S_h x S_w into out (CHW uint8, outH x outW). Pixel centres as torchvision/PIL (half-pixel:
 * source = box origin + (i + 0.5) * step - 0.5), clamped to the box. The store is at most ~1.15x the
 * model's size, so a crop is never shrunk by more than that and bilinear needs no antialiasing.
 * The direct form, one output pixel at a time: the reference for createBoxResampler (same values, bit for bit).
 * Rounding: values are in [0, 255], so (v + 0.5) | 0 rounds half up as Math.round does. Why not
 * Math.round: on photos (varied fractions) it cost 1.6 ms of a 3.2 ms sample at 224 (Zen 3), a
 * branch V8 emits that the data makes unpredictable; on smooth test patterns it hardly showed.
 */
export function resampleBox(
  src: Uint8Array,
  srcOffset: number,
  channels: number,
  store: { height: number; width: number },
  original: { height: number; width: number },
  box: CropBox,
  out: Uint8Array,
  outH: number,
  outW: number,
): void {
  const sx = store.width / original.width;
  const sy = store.height / original.height;
  const stepX = (box.w * sx) / outW;
  const stepY = (box.h * sy) / outH;
  const x0 = new Int32Array(outW);
  const x1 = new Int32Array(outW);
  const fx = new Float32Array(outW);
  const [loX, hiX] = clampRange(box.x * sx, box.w * sx, store.width);
  const [loY, hiY] = clampRange(box.y * sy, box.h * sy, store.height);
  for (let j = 0; j < outW; j++) {
    const s = Math.min(Math.max(box.x * sx + (j + 0.5) * stepX - 0.5, loX), hiX);
    x0[j] = Math.floor(s);
    x1[j] = Math.min(x0[j]! + 1, store.width - 1);
    fx[j] = s - x0[j]!;
  }
  const plane = store.height * store.width;
  for (let i = 0; i < outH; i++) {
    const s = Math.min(Math.max(box.y * sy + (i + 0.5) * stepY - 0.5, loY), hiY);
    const y0 = Math.floor(s);
    const y1 = Math.min(y0 + 1, store.height - 1);
    const fy = s - y0;
    for (let c = 0; c < channels; c++) {
      const r0 = srcOffset + c * plane + y0 * store.width;
      const r1 = srcOffset + c * plane + y1 * store.width;
      const o = c * outH * outW + i * outW;
      for (let j = 0; j < outW; j++) {
        const top = src[r0 + x0[j]!]! + (src[r0 + x1[j]!]! - src[r0 + x0[j]!]!) * fx[j]!;
        const bottom = src[r1 + x0[j]!]! + (src[r1 + x1[j]!]! - src[r1 + x0[j]!]!) * fx[j]!;
        out[o + j] = (top + (bottom - top) * fy + 0.5) | 0;
      }
    }
  }
}

/**
 * One axis's bilinear taps: source indices i0, i1 and the weight of i1. Columns keep the weight in
 * float32 and rows in float64, as resampleBox does (fx in a Float32Array, fy a local number).
 */
interface Taps {
  i0: Int32Array;
  i1: Int32Array;
  f: Float32Array | Float64Array;
}

function newTaps(n: number, f: Float32Array | Float64Array): Taps {
  return { i0: new Int32Array(n), i1: new Int32Array(n), f };
}

/** Taps of `n` outputs over [start, start + size) source pixels of a `limit`-pixel axis (resampleBox's arithmetic). */
function fillTaps(t: Taps, n: number, start: number, size: number, limit: number): void {
  const step = size / n;
  const [lo, hi] = clampRange(start, size, limit);
  for (let j = 0; j < n; j++) {
    const s = Math.min(Math.max(start + (j + 0.5) * step - 0.5, lo), hi);
    const i0 = Math.floor(s);
    t.i0[j] = i0;
    t.i1[j] = Math.min(i0 + 1, limit - 1);
    t.f[j] = s - i0;
  }
}

export interface BoxResampler {
  /**
   * resampleBox(src, srcOffset, channels, store, original, box, out, outH, outW), with this
   * resampler's sizes; `flip` mirrors the result left-right (the horizontal flip that follows the
   * crop in torchvision's order), for free: the column taps are taken in reverse order.
   */
  resample(src: Uint8Array, srcOffset: number, original: { height: number; width: number }, box: CropBox, out: Uint8Array, flip?: boolean): void;
}

/** Output column j takes column n - 1 - j's taps. */
function mirrorTaps(t: Taps, n: number): void {
  t.i0.subarray(0, n).reverse();
  t.i1.subarray(0, n).reverse();
  t.f.subarray(0, n).reverse();
}

/**
 * resampleBox, separable: each source row the crop touches is interpolated horizontally once
 * (top(x) = s[x0] + (s[x1] - s[x0]) fx, kept in float64 so the value is exactly resampleBox's), and
 * output rows blend two such rows. A crop smaller than the output (most RandomResizedCrops of a
 * 256 store at 224) maps several output rows to the same source rows, whose horizontal pass is
 * then reused instead of recomputed. Tap tables and row buffers are allocated once per resampler.
 */
export function createBoxResampler(channels: number, store: { height: number; width: number }, outH: number, outW: number): BoxResampler {
  const xs = newTaps(outW, new Float32Array(outW));
  const ys = newTaps(outH, new Float64Array(outH));
  const rowA = new Float64Array(outW);
  const rowB = new Float64Array(outW);
  const plane = store.height * store.width;
  const horizontal = (src: Uint8Array, r: number, row: Float64Array): void => {
    const { i0, i1, f } = xs;
    for (let j = 0; j < outW; j++) {
      const a = src[r + i0[j]!]!;
      row[j] = a + (src[r + i1[j]!]! - a) * f[j]!;
    }
  };
  return {
    resample(src, srcOffset, original, box, out, flip = false) {
      const sx = store.width / original.width;
      const sy = store.height / original.height;
      fillTaps(xs, outW, box.x * sx, box.w * sx, store.width);
      if (flip) mirrorTaps(xs, outW);
      fillTaps(ys, outH, box.y * sy, box.h * sy, store.height);
      for (let c = 0; c < channels; c++) {
        const base = srcOffset + c * plane;
        // rowA holds source row `aRow` interpolated horizontally, rowB row `bRow` (-1: none yet).
        let top = rowA;
        let bottom = rowB;
        let topRow = -1;
        let bottomRow = -1;
        for (let i = 0; i < outH; i++) {
          const y0 = ys.i0[i]!;
          const y1 = ys.i1[i]!;
          if (y0 !== topRow) {
            if (y0 === bottomRow) {
              // Moving down one source row: the old bottom row becomes the top one.
              const t = top;
              top = bottom;
              bottom = t;
              topRow = bottomRow;
              bottomRow = -1;
            } else {
              horizontal(src, base + y0 * store.width, top);
              topRow = y0;
            }
          }
          if (y1 !== bottomRow) {
            horizontal(src, base + y1 * store.width, bottom);
            bottomRow = y1;
          }
          const fy = ys.f[i]!;
          const o = c * outH * outW + i * outW;
          for (let j = 0; j < outW; j++) out[o + j] = (top[j]! + (bottom[j]! - top[j]!) * fy + 0.5) | 0;
        }
      }
    },
  };
}

/** The store's side for a model input: 8/7 of the larger side (256 for 224, as ImageNet's resize 256 / crop 224). */
export function storeSide(height: number, width: number): number {
  return Math.ceil((Math.max(height, width) * 8) / 7);
}
