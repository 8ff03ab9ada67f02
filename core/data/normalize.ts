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
 * `scratch` (c*h*w floats, used as bytes) is only used when jitter comes with a crop or flip.
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
  // Jitter. After the brightness table (x -> min(1, x * fb); fb >= 0 so no lower clamp), contrast,
  // clamp and normalisation are a function of the pixel's byte and its channel alone, given the
  // grey mean: one 256-entry table per channel. So: crop/flip into bytes (skipped when neither
  // applies), the grey mean through the brightness table, then one table read per pixel. The
  // arithmetic, and the order of the mean's sum, are those of jitterInPlace + normalise, so the
  // floats are the same bit for bit.
  let table = UNIT_LUT;
  if (aug.brightness !== 1) {
    table = BRIGHT_LUT; // reused: JavaScript runs one sample at a time per thread
    for (let v = 0; v < 256; v++) table[v] = Math.min(1, UNIT_LUT[v]! * aug.brightness);
  }
  let bytes = src;
  let b0 = srcOffset;
  if (aug.dy !== 0 || aug.dx !== 0 || aug.flip) {
    bytes = byteScratch(scratch, c * plane);
    b0 = 0;
    for (let ch = 0; ch < c; ch++) geometricBytes(src, srcOffset + ch * plane, h, w, aug, bytes, ch * plane);
  }
  const k = aug.contrast;
  const off = k !== 1 ? (1 - k) * greyMeanOfBytes(bytes, b0, table, c, plane) : 0;
  for (let ch = 0; ch < c; ch++) {
    const m = norm.mean[ch]!;
    const inv = 1 / (norm.std[ch]! > 0 ? norm.std[ch]! : 1);
    for (let v = 0; v < 256; v++) {
      const x = table[v]!;
      if (k === 1) JITTER_LUT[v] = (x - m) * inv;
      else {
        const y = k * x + off;
        JITTER_LUT[v] = ((y < 0 ? 0 : y > 1 ? 1 : y) - m) * inv;
      }
    }
    const s0 = b0 + ch * plane;
    const o0 = outOffset + ch * plane;
    for (let i = 0; i < plane; i++) out[o0 + i] = JITTER_LUT[bytes[s0 + i]!]!;
  }
}

/** n bytes over the caller's float scratch (4n bytes), or new ones. */
function byteScratch(scratch: Float32Array | undefined, n: number): Uint8Array {
  return scratch && scratch.byteLength >= n ? new Uint8Array(scratch.buffer, scratch.byteOffset, n) : new Uint8Array(n);
}

/** greyMean of table[bytes[b0 + i]], summed in the same order (so the same double). */
function greyMeanOfBytes(bytes: Uint8Array, b0: number, table: Float32Array, c: number, plane: number): number {
  let m = 0;
  if (c === 3) {
    for (let i = 0; i < plane; i++) m += 0.299 * table[bytes[b0 + i]!]! + 0.587 * table[bytes[b0 + plane + i]!]! + 0.114 * table[bytes[b0 + 2 * plane + i]!]!;
  } else {
    for (let i = 0; i < plane; i++) m += table[bytes[b0 + i]!]!;
  }
  return m / plane;
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
/** One channel's byte -> jittered, normalised float (see writeSample). */
const JITTER_LUT = new Float32Array(256);

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

/** geometric() on bytes: the plane cropped (zero bytes where padded) and flipped, no table. */
function geometricBytes(src: Uint8Array, s0: number, h: number, w: number, aug: SampleAugment, out: Uint8Array, o0: number): void {
  const { dy, dx, flip } = aug;
  const x0 = flip ? Math.max(0, dx) : Math.max(0, -dx);
  const x1 = flip ? Math.min(w, w + dx) : Math.min(w, w - dx);
  for (let y = 0; y < h; y++) {
    const sy = y + dy;
    const row = o0 + y * w;
    if (sy < 0 || sy >= h || x0 >= x1) {
      out.fill(0, row, row + w);
      continue;
    }
    if (x0 > 0) out.fill(0, row, row + x0);
    if (x1 < w) out.fill(0, row + x1, row + w);
    const srow = s0 + sy * w;
    if (flip) {
      const base = srow + w - 1 + dx;
      for (let x = x0; x < x1; x++) out[row + x] = src[base - x]!;
    } else {
      out.set(src.subarray(srow + dx + x0, srow + dx + x1), row + x0);
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
