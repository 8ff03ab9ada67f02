/**
 * uint8 CHW sample -> normalised float32, optionally augmented (see augment.ts).
 * Normalisation (x/255 - mean_c) / std_c is a 256-entry lookup table per channel, so the common
 * path is one table read per pixel.
 */
import type { SampleAugment } from './augment';

export interface Normalizer {
  channels: number;
  mean: readonly number[];
  std: readonly number[];
  /** lut[c * 256 + v] = (v / 255 - mean[c]) / std[c] */
  lut: Float32Array;
}

/** A std of 0 (a constant channel) would divide by zero; such a channel is only centred. */
export function createNormalizer(mean: readonly number[], std: readonly number[]): Normalizer {
  const channels = mean.length;
  if (std.length !== channels) throw new Error(`mean has ${channels} values but std has ${std.length}`);
  const lut = new Float32Array(channels * 256);
  for (let c = 0; c < channels; c++) {
    const m = mean[c]!;
    const s = std[c]! > 0 ? std[c]! : 1;
    for (let v = 0; v < 256; v++) lut[c * 256 + v] = (v / 255 - m) / s;
  }
  return { channels, mean, std, lut };
}

/**
 * Writes one sample (src at srcOffset, CHW, c x h x w bytes) into out at outOffset.
 * `scratch` needs c*h*w floats and is only used when brightness/contrast jitter is on.
 */
export function writeSample(
  src: Uint8Array,
  srcOffset: number,
  c: number,
  h: number,
  w: number,
  aug: SampleAugment | null,
  norm: Normalizer,
  out: Float32Array,
  outOffset: number,
  scratch?: Float32Array,
): void {
  const plane = h * w;
  const lut = norm.lut;
  if (!aug || (aug.dy === 0 && aug.dx === 0 && !aug.flip && aug.brightness === 1 && aug.contrast === 1)) {
    for (let ch = 0; ch < c; ch++) {
      const base = ch * 256;
      const s0 = srcOffset + ch * plane;
      const o0 = outOffset + ch * plane;
      for (let i = 0; i < plane; i++) out[o0 + i] = lut[base + src[s0 + i]!]!;
    }
    return;
  }
  const jitter = aug.brightness !== 1 || aug.contrast !== 1;
  if (!jitter) {
    // Geometry and normalisation in one pass: the value table maps pixel -> normalised float.
    for (let ch = 0; ch < c; ch++) geometric(src, srcOffset + ch * plane, h, w, aug, lut, ch * 256, out, outOffset + ch * plane);
    return;
  }
  // Jitter, fused into three passes: geometry through a brightness table (x -> min(1, x * fb);
  // fb >= 0 so no lower clamp), the grey mean, then contrast + clamp + normalise together.
  const buf = scratch && scratch.length >= c * plane ? scratch : new Float32Array(c * plane);
  let table = UNIT_LUT;
  if (aug.brightness !== 1) {
    table = BRIGHT_LUT; // reused: JavaScript runs one sample at a time
    for (let v = 0; v < 256; v++) table[v] = Math.min(1, UNIT_LUT[v]! * aug.brightness);
  }
  for (let ch = 0; ch < c; ch++) geometric(src, srcOffset + ch * plane, h, w, aug, table, 0, buf, ch * plane);
  const k = aug.contrast;
  const off = k !== 1 ? (1 - k) * greyMean(buf, c, plane) : 0;
  for (let ch = 0; ch < c; ch++) {
    const m = norm.mean[ch]!;
    const inv = 1 / (norm.std[ch]! > 0 ? norm.std[ch]! : 1);
    const b0 = ch * plane;
    const o0 = outOffset + b0;
    if (k === 1) {
      for (let i = 0; i < plane; i++) out[o0 + i] = (buf[b0 + i]! - m) * inv;
    } else {
      for (let i = 0; i < plane; i++) {
        const v = k * buf[b0 + i]! + off;
        out[o0 + i] = ((v < 0 ? 0 : v > 1 ? 1 : v) - m) * inv;
      }
    }
  }
}

/** Mean of the grey image: ITU-R 601 luma for RGB (torchvision's rgb_to_grayscale), else channel 0. */
function greyMean(buf: Float32Array, c: number, plane: number): number {
  let m = 0;
  if (c === 3) {
    for (let i = 0; i < plane; i++) m += 0.299 * buf[i]! + 0.587 * buf[plane + i]! + 0.114 * buf[2 * plane + i]!;
  } else {
    for (let i = 0; i < plane; i++) m += buf[i]!;
  }
  return m / plane;
}

/** v / 255 for v in 0..255 */
const UNIT_LUT = Float32Array.from({ length: 256 }, (_, v) => v / 255);
const BRIGHT_LUT = new Float32Array(256);

/**
 * One plane, crop-with-padding then flip: out[y][x] = table[src[y + dy][x' + dx]] with
 * x' = flip ? w-1-x : x, and table[0] (a zero pixel) where that falls outside the image.
 */
function geometric(
  src: Uint8Array,
  s0: number,
  h: number,
  w: number,
  aug: SampleAugment,
  table: Float32Array,
  t0: number,
  out: Float32Array,
  o0: number,
): void {
  const zero = table[t0]!;
  const { dy, dx, flip } = aug;
  // Output columns whose source column is inside the image: x in [x0, x1).
  const x0 = flip ? Math.max(0, dx) : Math.max(0, -dx);
  const x1 = flip ? Math.min(w, w + dx) : Math.min(w, w - dx);
  for (let y = 0; y < h; y++) {
    const sy = y + dy;
    const row = o0 + y * w;
    if (sy < 0 || sy >= h || x0 >= x1) {
      out.fill(zero, row, row + w);
      continue;
    }
    if (x0 > 0) out.fill(zero, row, row + x0);
    if (x1 < w) out.fill(zero, row + x1, row + w);
    const srow = s0 + sy * w;
    if (flip) {
      const base = srow + w - 1 + dx; // source column of x is base - x
      for (let x = x0; x < x1; x++) out[row + x] = table[t0 + src[base - x]!]!;
    } else {
      const base = srow + dx;
      for (let x = x0; x < x1; x++) out[row + x] = table[t0 + src[base + x]!]!;
    }
  }
}

/** Brightness then contrast on [0,1] floats, clamped after each (torchvision's ColorJitter); the reference for the fused path above. */
export function jitterInPlace(buf: Float32Array, c: number, plane: number, brightness: number, contrast: number): void {
  const n = c * plane;
  if (brightness !== 1) {
    for (let i = 0; i < n; i++) {
      const v = buf[i]! * brightness;
      buf[i] = v > 1 ? 1 : v;
    }
  }
  if (contrast !== 1) {
    const off = (1 - contrast) * greyMean(buf, c, plane);
    for (let i = 0; i < n; i++) {
      const v = contrast * buf[i]! + off;
      buf[i] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }
}
