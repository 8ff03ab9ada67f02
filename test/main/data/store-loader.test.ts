/**
 * Storage-resolution caches: images kept stretched to a square a little larger than the model,
 * with their own size recorded, and batches cut from them (RandomResizedCrop for training, the
 * resize policy's box for evaluation).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { scanImageFolder } from '../../../main/data/scan';
import { openDecodeCache, type DecodeCache } from '../../../main/data/cache';
import { decodeImage } from '../../../main/data/decode';
import { createLoader, type Batch } from '../../../main/data/loader';
import { AUGMENT_PRESETS } from '../../../core/train-defaults';
import { storeSide } from '../../../core/data/resized-crop';
import { runDataSpec } from '../../../main/trainer/data-spec';
import { tempDir } from '../../helpers/temp-dir';

let tmp: string;
let store: DecodeCache;
let plain: DecodeCache;
const model = { channels: 3, height: 32, width: 32 } as const;
const side = storeSide(32, 32);
const mean = [0, 0, 0];
const std = [1, 1, 1];

/** A smooth photo-like gradient (so resampling differences stay small), w x h, as a JPEG or PNG. */
async function photo(file: string, w: number, h: number, seed: number, orientation?: number): Promise<void> {
  const px = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      px[i] = Math.round((255 * x) / (w - 1));
      px[i + 1] = Math.round((255 * y) / (h - 1));
      px[i + 2] = (seed * 40 + Math.round((x + y) / 4)) % 256;
    }
  }
  await fs.mkdir(path.dirname(file), { recursive: true });
  let img = sharp(px, { raw: { width: w, height: h, channels: 3 } });
  if (orientation) img = img.withMetadata({ orientation });
  await (file.endsWith('.png') ? img.png() : img.jpeg({ quality: 95 })).toFile(file);
}

async function collect(it: AsyncGenerator<Batch, void, void>): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for await (const b of it) out.push(Float32Array.from(b.images));
  return out;
}

beforeAll(async () => {
  tmp = tempDir('cnn-store-');
  const root = path.join(tmp, 'photos');
  const sizes: Array<[number, number]> = [
    [96, 64],
    [50, 120],
    [80, 80],
    [120, 45],
  ];
  for (const [k, [w, h]] of sizes.entries()) {
    await photo(path.join(root, 'a', `a${k}.png`), w, h, k);
    await photo(path.join(root, 'b', `b${k}.jpg`), h, w, k + 4);
  }
  // EXIF orientation 6 (rotate 90): stored 90 wide x 40 high, shown 40 x 90.
  await photo(path.join(root, 'b', 'rotated.jpg'), 90, 40, 9, 6);
  const scan = await scanImageFolder(root, { valSplit: 0.3, seed: 1 });
  const cacheDir = path.join(tmp, 'cache');
  store = await openDecodeCache(scan, { input: runDataSpec(model, { augment: AUGMENT_PRESETS.imagenet, resize: 'center-crop' }).decode, cacheDir });
  plain = await openDecodeCache(scan, { input: { ...model, resize: 'center-crop' }, cacheDir });
});
afterAll(async () => {
  await store.close();
  await plain.close();
});

describe('storage-resolution cache', () => {
  it('stores every image at the store side and records its own size, EXIF rotation applied', () => {
    expect(store.spec).toMatchObject({ height: side, width: side, recordSize: true });
    const all = ['train', 'val'].flatMap((n) => {
      const v = store.split(n as 'train' | 'val')!;
      return v.rels.map((rel, i) => [rel, v.sizes![2 * i], v.sizes![2 * i + 1]] as const);
    });
    const byName = new Map(all.map(([rel, w, h]) => [path.basename(rel), [w, h]]));
    expect(byName.get('a0.png')).toEqual([96, 64]);
    expect(byName.get('b1.jpg')).toEqual([120, 50]);
    expect(byName.get('rotated.jpg')).toEqual([40, 90]);
    expect(plain.split('train')!.sizes).toBeNull();
  });

  it("evaluation cuts the policy's box: close to decoding the photo straight at the model's size", async () => {
    const val = createLoader({ cache: store, split: 'val', batchSize: 16, mean, std, output: { height: 32, width: 32, policy: 'center-crop' } });
    const [batch] = await collect(val.epoch(0));
    const view = store.split('val')!;
    for (let i = 0; i < view.count; i++) {
      const direct = await decodeImage(view.paths[i]!, { ...model, resize: 'center-crop' });
      const got = batch!.subarray(i * 3072, (i + 1) * 3072);
      let diff = 0;
      for (let k = 0; k < 3072; k++) diff += Math.abs(got[k]! * 255 - direct[k]!);
      // Lanczos straight to 32x32 against stretch-to-store + bilinear: a few levels on a gradient.
      // A box in the wrong place (e.g. not centred, or the wrong axis) is off by tens of levels.
      expect(diff / 3072, view.rels[i]).toBeLessThan(4);
    }
  });

  it('RandomResizedCrop batches are seeded: same seed and epoch, same pixels; another epoch, others', async () => {
    const make = () =>
      createLoader({
        cache: store,
        split: 'train',
        batchSize: 4,
        seed: 5,
        augment: AUGMENT_PRESETS.imagenet,
        mean,
        std,
        output: { height: 32, width: 32, policy: 'center-crop' },
      });
    const a = await collect(make().epoch(1));
    const b = await collect(make().epoch(1));
    const c = await collect(make().epoch(2));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a[0]!.length).toBe(4 * 3 * 32 * 32);
  });

  it('refuses mismatched uses with a reason', () => {
    expect(() => createLoader({ cache: store, split: 'train', batchSize: 4, mean, std })).toThrow(/storage-resolution cache needs the output size/);
    expect(() => createLoader({ cache: plain, split: 'train', batchSize: 4, mean, std, augment: AUGMENT_PRESETS.imagenet })).toThrow(
      /RandomResizedCrop needs a storage-resolution cache/,
    );
    expect(() => runDataSpec(model, { augment: AUGMENT_PRESETS.imagenet, resize: 'letterbox' })).toThrow(
      /cannot letterbox them: use --resize center-crop or stretch/,
    );
  });
});
