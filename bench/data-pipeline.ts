/**
 * Data pipeline throughput on real Fashion-MNIST PNGs (28x28 grey):
 * first-pass decode into the cache, re-open with every file cached, a cached epoch, an augmented
 * epoch (crop pad 4 + flip + brightness/contrast 0.2) and a streamed (from disk) epoch, batch 64.
 *   node bench/run-ts.mjs bench/data-pipeline.ts [--train N] [--root DIR] [--concurrency K] [--json]
 * Without --root it writes the first N (default 2000) training images to a temp folder.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { scanImageFolder } from '../main/data/scan';
import { openDecodeCache, type DecodeCache } from '../main/data/cache';
import { createLoader } from '../main/data/loader';
import type { AugmentOptions } from '../core/data/augment';
import { writeFashionMnist } from '../main/data/idx';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function epochRate(cache: DecodeCache, augment: AugmentOptions | null, mean: number[], std: number[]): Promise<{ imagesPerSecond: number; batchesPerSecond: number; seconds: number }> {
  const l = createLoader({ cache, split: 'train', batchSize: 64, shuffle: true, seed: 1, augment, mean, std });
  const t0 = process.hrtime.bigint();
  let n = 0;
  let b = 0;
  for await (const batch of l.epoch(0)) {
    n += batch.size;
    b++;
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  return { imagesPerSecond: n / s, batchesPerSecond: b / s, seconds: s };
}

async function main(): Promise<void> {
  const nTrain = Number(flag('--train') ?? 2000);
  const concurrency = Number(flag('--concurrency') ?? os.availableParallelism());
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'cnn-bench-data-'));
  try {
    let root = flag('--root');
    if (!root) {
      root = path.join(tmp, 'fashion-mnist');
      const t = Date.now();
      await writeFashionMnist(root, nTrain, 0);
      console.error(`wrote ${nTrain} PNGs in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
    const input = { channels: 1 as const, height: 28, width: 28, resize: 'stretch' as const };
    const cacheDir = path.join(tmp, 'cache');

    let t = process.hrtime.bigint();
    const scan = await scanImageFolder(root, { valSplit: 0, seed: 0 });
    const scanS = Number(process.hrtime.bigint() - t) / 1e9;

    t = process.hrtime.bigint();
    const first = await openDecodeCache(scan, { input, cacheDir, concurrency });
    const firstS = Number(process.hrtime.bigint() - t) / 1e9;
    const { mean, std } = first.channelStats('train');
    await first.close();

    t = process.hrtime.bigint();
    const cache = await openDecodeCache(scan, { input, cacheDir, concurrency });
    const reopenS = Number(process.hrtime.bigint() - t) / 1e9;
    const plain = await epochRate(cache, null, mean, std);
    const aug = await epochRate(cache, { cropPadding: 4, hflip: true, brightness: 0.2, contrast: 0.2 }, mean, std);
    const flipCrop = await epochRate(cache, { cropPadding: 4, hflip: true }, mean, std);
    await cache.close();
    const disk = await openDecodeCache(scan, { input, cacheDir, concurrency, memoryBudgetBytes: 0 });
    const streamed = await epochRate(disk, null, mean, std);
    await disk.close();

    const images = first.opened.decoded;
    const result = {
      images,
      failed: first.opened.failed,
      cores: os.availableParallelism(),
      concurrency,
      scanImagesPerSecond: scan.splits.train.length / scanS,
      firstDecodeImagesPerSecond: images / firstS,
      reopenSeconds: reopenS,
      cachedEpochImagesPerSecond: plain.imagesPerSecond,
      augmentedBatchesPerSecond: aug.batchesPerSecond,
      augmentedImagesPerSecond: aug.imagesPerSecond,
      cropFlipBatchesPerSecond: flipCrop.batchesPerSecond,
      streamedEpochImagesPerSecond: streamed.imagesPerSecond,
      mean,
      std,
    };
    if (process.argv.includes('--json')) {
      console.log(JSON.stringify(result));
      return;
    }
    const r = (x: number): string => Math.round(x).toLocaleString('en-US');
    console.log(`Fashion-MNIST, ${images} train PNGs, 1x28x28, ${result.cores} cores, decode concurrency ${concurrency}`);
    console.log(`  scan (list + stat)           ${r(result.scanImagesPerSecond)} images/s`);
    console.log(`  first-pass decode to cache   ${r(result.firstDecodeImagesPerSecond)} images/s`);
    console.log(`  re-open, all cached          ${(reopenS * 1000).toFixed(0)} ms`);
    console.log(`  cached epoch (batch 64)      ${r(result.cachedEpochImagesPerSecond)} images/s`);
    console.log(`  augmented, crop+flip         ${r(result.cropFlipBatchesPerSecond)} batches/s`);
    console.log(`  augmented, crop+flip+jitter  ${r(result.augmentedBatchesPerSecond)} batches/s (${r(result.augmentedImagesPerSecond)} images/s)`);
    console.log(`  streamed from disk epoch     ${r(result.streamedEpochImagesPerSecond)} images/s`);
    console.log(`  train mean ${mean.map((x) => x.toFixed(4)).join(', ')}  std ${std.map((x) => x.toFixed(4)).join(', ')}`);
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exitCode = 1;
});
