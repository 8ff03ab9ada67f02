/**
 * Image file -> normalised NCHW float32, following the preprocessing contract in
 * core/onnx/metadata.ts. Decoding is the training pipeline's own (main/data/decode.ts: EXIF
 * orientation, alpha on white, the same resize policies and grey conversion), so a deployed model
 * sees exactly the pixels it was trained on; only the normalisation happens here.
 */
import { existsSync } from 'node:fs';
import type { ColorMode, ResizeMode } from '../../core/onnx/metadata';
import { decodeImage, ImageDecodeFailure } from '../data/decode';

export interface Preprocessing {
  /** [channels, height, width] */
  inputSize: [number, number, number];
  colorMode: ColorMode;
  mean: number[];
  std: number[];
  resize?: ResizeMode;
}

export class ImageDecodeError extends Error {
  override readonly name = 'ImageDecodeError';
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: cannot read the image (${reason})`);
  }
}

/** Writes one image into `out` at `offset` (channels*height*width floats). */
export async function imageToTensor(file: string, p: Preprocessing, out: Float32Array, offset: number): Promise<void> {
  const [c, h, w] = p.inputSize;
  if (c !== 1 && c !== 3) throw new ImageDecodeError(file, `the model takes ${c}-channel input; images give 1 (grey) or 3 (RGB) channels`);
  if (!existsSync(file)) throw new ImageDecodeError(file, 'no such file');
  // The model's channel count decides: a colour photo for a grey model is converted, and back.
  const channels: 1 | 3 = c === 1 || p.colorMode === 'grayscale' ? 1 : 3;
  let pixels: Uint8Array;
  try {
    pixels = await decodeImage(file, { channels, height: h, width: w, resize: p.resize ?? 'stretch' });
  } catch (e) {
    throw new ImageDecodeError(file, e instanceof ImageDecodeFailure ? e.reason : e instanceof Error ? e.message : String(e));
  }
  const plane = h * w;
  for (let ch = 0; ch < c; ch++) {
    // A grey decode feeding a 3-channel model repeats its one channel.
    const src = Math.min(ch, channels - 1) * plane;
    const mean = p.mean[ch] ?? 0;
    const inv = 1 / (p.std[ch] ?? 1);
    const base = offset + ch * plane;
    for (let i = 0; i < plane; i++) out[base + i] = (pixels[src + i]! / 255 - mean) * inv;
  }
}
