/**
 * Data pipeline throughput on real Fashion-MNIST PNGs (28x28 grey):
 * first-pass decode into the cache, re-open with every file cached, a cached epoch, an augmented
 * epoch (crop pad 4 + flip + brightness/contrast 0.2) and a streamed (from disk) epoch, batch 64.
 * Epoch figures: one warm-up epoch, then at least one second of whole epochs.
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

/** Wall seconds and CPU seconds (all threads of this process: sharp's decode threads included). */
function clock(): () => { wall: number; cpu: number } {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  return () => {
    const c = process.cpuUsage(c0);
    return { wall: Number(process.hrtime.bigint() - t0) / 1e9, cpu: (c.user + c.system) / 1e6 };
  };
}

interface Rate {
  imagesPerSecond: number;
  batchesPerSecond: number;
  /** images per CPU-second: what an idle machine would do on one core */
  imagesPerCpuSecond: number;
  batchesPerCpuSecond: number;
}

/** One warm-up epoch (JIT), then whole epochs until at least a second has passed. */
async function epochRate(cache: DecodeCache, augment: AugmentOptions | null, mean: number[], std: number[]): Promise<Rate> {
  const l = createLoader({ cache, split: 'train', batchSize: 64, shuffle: true, seed: 1, augment, mean, std });
  for await (const batch of l.epoch(0)) void batch;
  const stop = clock();
  let n = 0;
  let b = 0;
  let t = stop();
  for (let e = 1; t.wall < 1; e++) {
    for await (const batch of l.epoch(e)) {
      n += batch.size;
      b++;
    }
    t = stop();
  }
  return { imagesPerSecond: n / t.wall, batchesPerSecond: b / t.wall, imagesPerCpuSecond: n / t.cpu, batchesPerCpuSecond: b / t.cpu };
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

    const firstClock = clock();
    const first = await openDecodeCache(scan, { input, cacheDir, concurrency });
    const firstT = firstClock();
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
      firstDecodeImagesPerSecond: images / firstT.wall,
      firstDecodeImagesPerCpuSecond: images / firstT.cpu,
      loadAverage: os.loadavg()[0] ?? 0,
      reopenSeconds: reopenS,
      cachedEpoch: plain,
      cropFlipEpoch: flipCrop,
      augmentedEpoch: aug,
      streamedEpoch: streamed,
      mean,
      std,
    };
    if (process.argv.includes('--json')) {
      console.log(JSON.stringify(result));
      return;
    }
    const r = (x: number): string => Math.round(x).toLocaleString('en-US');
    console.log(
      `Fashion-MNIST, ${images} train PNGs, 1x28x28, ${result.cores} cores (load average ${result.loadAverage.toFixed(1)}), decode concurrency ${concurrency}`,
    );
    console.log(`  ${'figure'.padEnd(34)}${'per second'.padStart(14)}${'per CPU-second'.padStart(16)}`);
    const line = (name: string, wall: number, cpu: number, unit: string): void =>
      console.log(`  ${name.padEnd(34)}${r(wall).padStart(14)}${r(cpu).padStart(16)}  ${unit}`);
    console.log(`  ${'scan (list + stat)'.padEnd(34)}${r(result.scanImagesPerSecond).padStart(14)}${''.padStart(16)}  images`);
    line('first-pass decode into the cache', result.firstDecodeImagesPerSecond, result.firstDecodeImagesPerCpuSecond, 'images');
    console.log(`  ${'re-open, every file cached'.padEnd(34)}${`${(reopenS * 1000).toFixed(0)} ms`.padStart(14)}`);
    line('cached epoch, batch 64', plain.imagesPerSecond, plain.imagesPerCpuSecond, 'images');
    line('  same, streamed from disk', streamed.imagesPerSecond, streamed.imagesPerCpuSecond, 'images');
    line('augmented: crop 4 + flip', flipCrop.batchesPerSecond, flipCrop.batchesPerCpuSecond, 'batches of 64');
    line('augmented: + brightness/contrast', aug.batchesPerSecond, aug.batchesPerCpuSecond, 'batches of 64');
    console.log(`  train mean ${mean.map((x) => x.toFixed(4)).join(', ')}  std ${std.map((x) => x.toFixed(4)).join(', ')}`);
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exitCode = 1;
});
