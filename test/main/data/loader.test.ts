import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { scanImageFolder } from '../../../main/data/scan';
import { openDecodeCache, type DecodeCache } from '../../../main/data/cache';
import { createLoader, type Batch } from '../../../main/data/loader';
import { simpleDataset } from '../../helpers/image-folders';
import { tempDir } from '../../helpers/temp-dir';

let tmp: string;
let cache: DecodeCache;
let disk: DecodeCache;
const mean = [0.4];
const std = [0.2];

beforeAll(async () => {
  tmp = tempDir('cnn-data-');
  const root = path.join(tmp, 'ds');
  await simpleDataset(root, { a: 12, b: 11 }, 6);
  const scan = await scanImageFolder(root, { valSplit: 0.2, seed: 3 });
  cache = await openDecodeCache(scan, { input: { channels: 1, height: 6, width: 6, resize: 'stretch' }, cacheDir: path.join(tmp, 'cache') });
  disk = await openDecodeCache(scan, {
    input: { channels: 1, height: 6, width: 6, resize: 'stretch' },
    cacheDir: path.join(tmp, 'cache'),
    memoryBudgetBytes: 0,
  });
});
afterAll(async () => {
  await cache.close();
  await disk.close();
});

async function collect(it: AsyncGenerator<Batch, void, void>): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of it) out.push(b);
  return out;
}

describe('createLoader', () => {
  it('yields normalised batches with int64 labels and a partial last batch', async () => {
    const l = createLoader({ cache, split: 'train', batchSize: 8, shuffle: false, mean, std });
    expect(l.size).toBe(19); // round(0.2 * 12) = 2 and round(0.2 * 11) = 2 held out: 10 + 9
    expect(l.batchesPerEpoch).toBe(3);
    const batches = await collect(l.epoch(0));
    expect(batches.map((b) => b.size)).toEqual([8, 8, 3]);
    expect(batches.map((b) => b.images.length)).toEqual([8 * 36, 8 * 36, 3 * 36]);
    const first = batches[0]!;
    expect(first.labels).toBeInstanceOf(BigInt64Array);
    expect(first.indices).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const raw = new Uint8Array(cache.sampleBytes);
    const v = cache.split('train')!;
    for (const k of [0, 5]) {
      await cache.read([v.slots[first.indices[k]!]!], raw);
      for (let i = 0; i < 36; i++) expect(first.images[k * 36 + i]).toBeCloseTo((raw[i]! / 255 - 0.4) / 0.2, 5);
      expect(first.labels[k]).toBe(BigInt(v.labels[first.indices[k]!]!));
    }
    expect(l.paths[first.indices[0]!]).toBe(v.paths[0]);
    const all = batches.flatMap((b) => b.indices).sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: l.size }, (_, i) => i));
  });

  it('recycles batch arrays from a ring of three: the same values, valid until two more batches are taken', async () => {
    const augment = { cropPadding: 1, hflip: true, brightness: 0.2, contrast: 0.2 };
    const fresh = await collect(createLoader({ cache, split: 'train', batchSize: 4, seed: 5, augment, mean, std }).epoch(1));
    const l = createLoader({ cache, split: 'train', batchSize: 4, seed: 5, augment, mean, std, recycle: true });
    const seen: Batch[] = [];
    for await (const b of l.epoch(1)) {
      const k = seen.length;
      // Equal to the freshly allocated batch, padding and the partial last batch included.
      expect(Array.from(b.images), `batch ${k}`).toEqual(Array.from(fresh[k]!.images));
      expect(Array.from(b.labels)).toEqual(Array.from(fresh[k]!.labels));
      // The batch before is still intact while this one is in use.
      if (k > 0) expect(Array.from(seen[k - 1]!.images)).toEqual(Array.from(fresh[k - 1]!.images));
      if (k >= 3) expect(b.images.buffer).toBe(seen[k - 3]!.images.buffer);
      seen.push(b);
    }
    expect(seen.length).toBe(fresh.length);
    expect(seen.at(-1)!.size).toBe(3);
  });

  it('drops the partial batch when asked', async () => {
    const l = createLoader({ cache, split: 'train', batchSize: 8, mean, std, dropLast: true });
    expect(l.batchesPerEpoch).toBe(2);
    expect((await collect(l.epoch(0))).map((b) => b.size)).toEqual([8, 8]);
    const big = createLoader({ cache, split: 'val', batchSize: 100, mean, std, dropLast: true });
    expect(await collect(big.epoch(0))).toEqual([]);
  });

  it('shuffles per epoch, deterministically per seed, independent of batch size and start step', async () => {
    const mk = (seed: number, batchSize = 5) =>
      createLoader({ cache, split: 'train', batchSize, seed, mean, std, augment: { cropPadding: 2, hflip: true, brightness: 0.2, contrast: 0.2 } });
    const a0 = await collect(mk(1).epoch(0));
    const b0 = await collect(mk(1).epoch(0));
    expect(b0.map((b) => Array.from(b.images))).toEqual(a0.map((b) => Array.from(b.images)));
    const a1 = await collect(mk(1).epoch(1));
    expect(a1.flatMap((b) => b.indices)).not.toEqual(a0.flatMap((b) => b.indices));
    expect((await collect(mk(2).epoch(0))).flatMap((b) => b.indices)).not.toEqual(a0.flatMap((b) => b.indices));
    // Same samples and same augmentation with another batch size.
    const whole = await collect(mk(1, 100).epoch(0));
    expect(whole[0]!.indices).toEqual(a0.flatMap((b) => b.indices));
    expect(Array.from(whole[0]!.images)).toEqual(a0.flatMap((b) => Array.from(b.images)));
    // Resuming at step 2 gives the tail of the same epoch.
    const tail = await collect(mk(1).epoch(0, { startStep: 2 }));
    expect(tail.map((b) => b.indices)).toEqual(a0.slice(2).map((b) => b.indices));
  });

  it('val is not shuffled by default and streams from disk with the same values', async () => {
    const m = await collect(createLoader({ cache, split: 'val', batchSize: 3, mean, std }).epoch(0));
    const d = await collect(createLoader({ cache: disk, split: 'val', batchSize: 3, mean, std }).epoch(0));
    expect(m.flatMap((b) => b.indices)).toEqual([0, 1, 2, 3]);
    expect(d.map((b) => Array.from(b.images))).toEqual(m.map((b) => Array.from(b.images)));
    expect(disk.io.bytesRead).toBeGreaterThan(0);
  });

  it('prefetches one batch in the next macrotask while the caller works, and stopping early is clean', async () => {
    let reads = 0;
    const counting: DecodeCache = {
      ...cache,
      split: cache.split,
      read: async (s, o) => {
        reads++;
        await cache.read(s, o);
      },
    };
    const l = createLoader({ cache: counting, split: 'train', batchSize: 4, mean, std });
    const it = l.epoch(0);
    await it.next();
    // Batch 0 handed over; batch 1 starts in the next macrotask (a step that yields to the event
    // loop while it waits gets it prepared then), not in the microtasks of this hand-over.
    expect(reads).toBe(1);
    await new Promise((r) => setImmediate(r));
    expect(reads).toBe(2);
    await it.return();
    expect(reads).toBe(2);
  });

  it('rejects bad options with a clear message', () => {
    expect(() => createLoader({ cache, split: 'test', batchSize: 4, mean, std })).toThrow(/no test split/);
    expect(() => createLoader({ cache, split: 'train', batchSize: 0, mean, std })).toThrow(/batch size/);
    expect(() => createLoader({ cache, split: 'train', batchSize: 4, mean: [0, 0, 0], std })).toThrow(/one per channel/);
    expect(() => createLoader({ cache, split: 'train', batchSize: 4, mean, std: [0] })).toThrow(/std must be positive/);
    expect(() => createLoader({ cache, split: 'train', batchSize: 4, mean, std, augment: { cropPadding: -1 } })).toThrow(/cropPadding/);
  });
});
