/**
 * The loader's worker threads (main/data/loader-threads.ts): the same batches as the caller's
 * thread, bit for bit, for both augmentation presets; errors that name the file; no thread left
 * running once the loader is closed, however the epoch ended.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { scanImageFolder } from '../../../main/data/scan';
import { openDecodeCache, type DecodeCache } from '../../../main/data/cache';
import { createLoader, type Batch, type LoaderOptions } from '../../../main/data/loader';
import { liveLoaderThreads, loaderThreads, startSampleThreads } from '../../../main/data/loader-threads';
import { AUGMENT_PRESETS } from '../../../core/train-defaults';
import { runDataSpec } from '../../../main/trainer/data-spec';
import { pattern, writeRaw } from '../../helpers/image-folders';
import { tempDir } from '../../helpers/temp-dir';

let tmp: string;
let root: string;
let plain: DecodeCache;
let store: DecodeCache;
const model = { channels: 3, height: 24, width: 24 } as const;
const mean = [0.5, 0.4, 0.3];
const std = [0.2, 0.25, 0.3];
const storeSpec = runDataSpec(model, { augment: AUGMENT_PRESETS.imagenet, resize: 'center-crop' });

interface Copied {
  images: Uint32Array;
  labels: bigint[];
  indices: number[];
  step: number;
}

/** Each batch copied (a recycled batch's arrays are reused later), images as raw float bits. */
async function collect(it: AsyncGenerator<Batch, void, void>): Promise<Copied[]> {
  const out: Copied[] = [];
  for await (const b of it) {
    const bits = new Uint32Array(b.images.buffer, b.images.byteOffset, b.images.length);
    out.push({ images: Uint32Array.from(bits), labels: Array.from(b.labels), indices: [...b.indices], step: b.step });
  }
  return out;
}

beforeAll(async () => {
  tmp = tempDir('cnn-loader-threads-');
  root = path.join(tmp, 'photos');
  // Photo-like sizes and shapes (wide, tall, square), so crops, resamples and the fallback box all occur.
  for (let k = 0; k < 14; k++) {
    const w = 20 + ((k * 37) % 60);
    const h = 20 + ((k * 23) % 50);
    await fs.mkdir(path.join(root, `c${k % 3}`), { recursive: true });
    await writeRaw(path.join(root, `c${k % 3}`, `i${k}.png`), pattern(w, h, 3, k), w, h, 3);
  }
  const scan = await scanImageFolder(root, { valSplit: 0.25, seed: 2 });
  const cacheDir = path.join(tmp, 'cache');
  plain = await openDecodeCache(scan, { input: { ...model, resize: 'center-crop' }, cacheDir });
  store = await openDecodeCache(scan, { input: storeSpec.decode, cacheDir });
});
afterAll(async () => {
  await plain.close();
  await store.close();
});

describe('loader threads', () => {
  const presets: Array<[string, () => Omit<LoaderOptions, 'split' | 'batchSize'>]> = [
    ['light', () => ({ cache: plain, seed: 4, augment: AUGMENT_PRESETS.light, mean, std })],
    ['imagenet', () => ({ cache: store, seed: 4, augment: AUGMENT_PRESETS.imagenet, mean, std, output: storeSpec.output! })],
  ];

  it.each(presets)('give the batches of the caller thread bit for bit (%s preset, train and val, recycled or not)', async (_name, base) => {
    for (const recycle of [false, true]) {
      const inline = createLoader({ ...base(), split: 'train', batchSize: 3, recycle });
      const threaded = createLoader({ ...base(), split: 'train', batchSize: 3, recycle, threads: 2 });
      try {
        for (const epoch of [0, 1]) {
          const want = await collect(inline.epoch(epoch));
          expect(want.length).toBe(inline.batchesPerEpoch);
          expect(await collect(threaded.epoch(epoch))).toEqual(want);
        }
        // Resuming mid-epoch gives the same tail.
        expect(await collect(threaded.epoch(1, { startStep: 2 }))).toEqual((await collect(inline.epoch(1))).slice(2));
      } finally {
        await threaded.close();
      }
    }
    // Validation: no augmentation (from the store: the resize policy's box).
    const { augment: _augment, ...evalBase } = base();
    const val = createLoader({ ...evalBase, split: 'val', batchSize: 2, threads: 3 });
    try {
      expect(await collect(val.epoch(0))).toEqual(await collect(createLoader({ ...evalBase, split: 'val', batchSize: 2 }).epoch(0)));
    } finally {
      await val.close();
    }
  });

  it('run while the loader is open and none is left after close, however the epoch ended', async () => {
    expect(liveLoaderThreads()).toBe(0);
    const l = createLoader({ ...presets[1]![1](), split: 'train', batchSize: 2, threads: 2 });
    // Threads start with the first epoch.
    expect(liveLoaderThreads()).toBe(0);
    await collect(l.epoch(0));
    expect(liveLoaderThreads()).toBe(2);
    // Stopped after one batch, with batches in flight.
    const it = l.epoch(1);
    await it.next();
    await it.return();
    await l.close();
    expect(liveLoaderThreads()).toBe(0);
    await expect(collect(l.epoch(2))).rejects.toThrow(/the loader is closed/);
    // Closed while a batch is being prepared: the batch fails, no thread remains.
    const m = createLoader({ ...presets[1]![1](), split: 'train', batchSize: 2, threads: 1 });
    const pending = m.epoch(0).next();
    await new Promise((r) => setImmediate(r));
    await m.close();
    await pending.catch(() => undefined);
    expect(liveLoaderThreads()).toBe(0);
  });

  it('one pool serves two loaders (training and validation), with the batches of each; its owner closes it', async () => {
    const pool = startSampleThreads(2);
    try {
      const trainOpts = { ...presets[1]![1](), split: 'train' as const, batchSize: 3 };
      const { augment: _augment, ...evalOpts } = { ...presets[1]![1](), split: 'val' as const, batchSize: 2 };
      const train = createLoader({ ...trainOpts, recycle: true, threads: pool });
      const val = createLoader({ ...evalOpts, threads: pool });
      const trainWant = await collect(createLoader(trainOpts).epoch(3));
      const valWant = await collect(createLoader(evalOpts).epoch(0));
      // Alternating, as the trainer does: an epoch, then validation, then the next epoch.
      expect(await collect(train.epoch(3))).toEqual(trainWant);
      expect(await collect(val.epoch(0))).toEqual(valWant);
      expect(await collect(train.epoch(3))).toEqual(trainWant);
      await train.close();
      await val.close();
      expect(liveLoaderThreads()).toBe(2);
    } finally {
      await pool.close();
    }
    expect(liveLoaderThreads()).toBe(0);
  });

  it('a truncated cache file fails the batch with the file named', async () => {
    const cacheDir = path.join(tmp, 'broken-cache');
    const scan = await scanImageFolder(root, { valSplit: 0.25, seed: 2 });
    const disk = await openDecodeCache(scan, { input: { ...model, resize: 'center-crop' }, cacheDir, memoryBudgetBytes: 0 });
    const folder = (await fs.readdir(cacheDir)).find((f) => !f.startsWith('.'))!;
    const data = (await fs.readdir(path.join(cacheDir, folder))).find((f) => f.endsWith('.u8'))!;
    await fs.truncate(path.join(cacheDir, folder, data), disk.sampleBytes * 2);
    const l = createLoader({ cache: disk, split: 'train', batchSize: 4, shuffle: false, mean, std, threads: 2 });
    try {
      await expect(collect(l.epoch(0))).rejects.toThrow(new RegExp(`decode cache .*${data.replace('.', '\\.')} is truncated`));
    } finally {
      await l.close();
      await disk.close();
    }
    expect(liveLoaderThreads()).toBe(0);
  });

  it('refuses a bad thread count; the trainer threads large inputs and storage caches only', () => {
    expect(() => createLoader({ cache: plain, split: 'train', batchSize: 2, mean, std, threads: 1.5 })).toThrow(/loader threads must be a whole number/);
    expect(loaderThreads('auto', [3, 28, 28], false)).toBe(0);
    expect(loaderThreads('auto', [1, 28, 28], true)).toBeGreaterThan(0);
    expect(loaderThreads('auto', [3, 224, 224], false)).toBeGreaterThan(0);
    expect(loaderThreads(0, [3, 224, 224], true)).toBe(0);
    expect(loaderThreads(3, [1, 8, 8], false)).toBe(3);
  });
});
