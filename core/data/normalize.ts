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
    geometric(src, srcOffset, c, h, w, aug, (ch, i, v) => {
      out[outOffset + ch * plane + i] = lut[ch * 256 + v]!;
    });
    return;
  }
  const buf = scratch && scratch.length >= c * plane ? scratch : new Float32Array(c * plane);
  geometric(src, srcOffset, c, h, w, aug, (ch, i, v) => {
    buf[ch * plane + i] = v / 255;
  });
  jitterInPlace(buf, c, plane, aug.brightness, aug.contrast);
  for (let ch = 0; ch < c; ch++) {
    const m = norm.mean[ch]!;
    const s = norm.std[ch]! > 0 ? norm.std[ch]! : 1;
    const inv = 1 / s;
    const b0 = ch * plane;
    const o0 = outOffset + b0;
    for (let i = 0; i < plane; i++) out[o0 + i] = (buf[b0 + i]! - m) * inv;
  }
}

/** Crop-with-padding then flip: out[y][x] = src[y + dy][x' + dx], x' = flip ? w-1-x : x; 0 outside. */
function geometric(
  src: Uint8Array,
  srcOffset: number,
  c: number,
  h: number,
  w: number,
  aug: SampleAugment,
  put: (ch: number, i: number, v: number) => void,
): void {
  const plane = h * w;
  for (let ch = 0; ch < c; ch++) {
    const s0 = srcOffset + ch * plane;
    for (let y = 0; y < h; y++) {
      const sy = y + aug.dy;
      const row = y * w;
      if (sy < 0 || sy >= h) {
        for (let x = 0; x < w; x++) put(ch, row + x, 0);
        continue;
      }
      const srow = s0 + sy * w;
      for (let x = 0; x < w; x++) {
        const sx = (aug.flip ? w - 1 - x : x) + aug.dx;
        put(ch, row + x, sx >= 0 && sx < w ? src[srow + sx]! : 0);
      }
    }
  }
}

/** Brightness then contrast on [0,1] floats, clamped after each (torchvision's ColorJitter). */
export function jitterInPlace(buf: Float32Array, c: number, plane: number, brightness: number, contrast: number): void {
  const n = c * plane;
  if (brightness !== 1) {
    for (let i = 0; i < n; i++) {
      const v = buf[i]! * brightness;
      buf[i] = v > 1 ? 1 : v;
    }
  }
  if (contrast !== 1) {
    // Mean of the grey image: ITU-R 601 luma for RGB (torchvision's rgb_to_grayscale), else channel 0.
    let m = 0;
    if (c === 3) {
      for (let i = 0; i < plane; i++) m += 0.299 * buf[i]! + 0.587 * buf[plane + i]! + 0.114 * buf[2 * plane + i]!;
    } else {
      for (let i = 0; i < plane; i++) m += buf[i]!;
    }
    m /= plane;
    const off = (1 - contrast) * m;
    for (let i = 0; i < n; i++) {
      const v = contrast * buf[i]! + off;
      buf[i] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }
}
