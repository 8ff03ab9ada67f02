/**
 * Image file -> normalised NCHW float32, following the preprocessing contract in
 * core/onnx/metadata.ts. sharp decodes (PNG, JPEG, WebP, GIF, TIFF, AVIF), applies EXIF
 * orientation, drops alpha by compositing on white, resizes and converts the colour space.
 */
import sharp from 'sharp';
import type { ColorMode } from '../../core/onnx/metadata';

export interface Preprocessing {
  /** [channels, height, width] */
  inputSize: [number, number, number];
  colorMode: ColorMode;
  mean: number[];
  std: number[];
}

export class ImageDecodeError extends Error {
  override readonly name = 'ImageDecodeError';
  constructor(readonly file: string, reason: string) {
    super(`${file}: cannot read the image (${reason})`);
  }
}

/** Writes one image into `out` at `offset` (channels*height*width floats). */
export async function imageToTensor(file: string, p: Preprocessing, out: Float32Array, offset: number): Promise<void> {
  const [c, h, w] = p.inputSize;
  let raw: Buffer;
  let channels: number;
  try {
    let img = sharp(file, { failOn: 'error', limitInputPixels: 2 ** 28 }).rotate().flatten({ background: '#ffffff' });
    img = img.resize(w, h, { fit: 'fill' });
    img = p.colorMode === 'grayscale' ? img.grayscale() : img.toColourspace('srgb');
    const { data, info } = await img.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    raw = data;
    channels = info.channels;
  } catch (e) {
    throw new ImageDecodeError(file, e instanceof Error ? e.message : String(e));
  }
  const plane = h * w;
  for (let ch = 0; ch < c; ch++) {
    // A grayscale decode feeding a 3-channel model repeats its one channel.
    const src = Math.min(ch, channels - 1);
    const mean = p.mean[ch] ?? 0;
    const inv = 1 / (p.std[ch] ?? 1);
    const base = offset + ch * plane;
    for (let i = 0; i < plane; i++) out[base + i] = (raw[i * channels + src]! / 255 - mean) * inv;
  }
}
