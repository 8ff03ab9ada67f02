/** Photo-like JPEG folders for the data benchmarks (random sizes and qualities, 3 classes). */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { createRng, type Rng } from '../core/data/rng';

/** One photo-like JPEG: a smooth colour field plus noise (so JPEG sizes and decode costs are realistic). */
export async function writePhoto(file: string, w: number, h: number, quality: number, seed: number): Promise<void> {
  const rng = createRng(seed);
  const px = Buffer.alloc(w * h * 3);
  const [r0, g0, b0] = [rng.int(256), rng.int(256), rng.int(256)];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      const n = rng.int(24) - 12;
      px[i] = Math.max(0, Math.min(255, r0 + Math.round((80 * x) / w) + n));
      px[i + 1] = Math.max(0, Math.min(255, g0 + Math.round((80 * y) / h) + n));
      px[i + 2] = Math.max(0, Math.min(255, b0 + Math.round(40 * Math.sin((x + y) / 23)) + n));
    }
  }
  await sharp(px, { raw: { width: w, height: h, channels: 3 } })
    .jpeg({ quality })
    .toFile(file);
}

/**
 * The folders' photo sizes: `small` as in the issue that asked for these benchmarks (each side
 * 240-640 px, drawn on its own); `camera` as phones and cameras write them (long side 1600-4032 px,
 * 4:3, 3:2 or 16:9, landscape or portrait), where JPEG shrink-on-load decides the decode cost.
 */
export type PhotoSizes = 'small' | 'camera';

function drawSize(rng: Rng, sizes: PhotoSizes): [number, number] {
  if (sizes === 'small') return [240 + rng.int(401), 240 + rng.int(401)];
  const long = 1600 + rng.int(2433);
  const short = Math.round(long / [4 / 3, 3 / 2, 16 / 9][rng.int(3)]!);
  return rng.int(2) === 0 ? [long, short] : [short, long];
}

/**
 * `images` JPEGs in 3 class folders. With `distinct` < images, only the first `distinct` are drawn
 * and the rest are byte copies of them under new names: each is still read and decoded on its own,
 * so decode and memory figures are those of a folder that size, without drawing 50,000 images in
 * JavaScript (~20 ms each).
 */
export async function makePhotoFolder(root: string, images: number, distinct = images, sizes: PhotoSizes = 'small'): Promise<void> {
  const rng = createRng(7);
  const file = (k: number): string => path.join(root, `class${k % 3}`, `${String(k).padStart(6, '0')}.jpg`);
  for (let c = 0; c < Math.min(3, images); c++) await fs.mkdir(path.join(root, `class${c}`), { recursive: true });
  for (let k = 0; k < images; k++) {
    if (k >= distinct) {
      await fs.copyFile(file(k % distinct), file(k));
      continue;
    }
    const [w, h] = drawSize(rng, sizes);
    await writePhoto(file(k), w, h, 60 + rng.int(36), k);
  }
}
