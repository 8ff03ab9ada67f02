/**
 * The loader's side of bench/photo-folder.ts: the imagenet-preset loader alone (no model), and the
 * data wait of a ResNet-18 training epoch on the CPU.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { scanImageFolder } from '../main/data/scan';
import { openDecodeCache } from '../main/data/cache';
import { createLoader } from '../main/data/loader';
import { runDataSpec } from '../main/trainer/data-spec';
import { runTraining } from '../main/trainer/loop';
import { RunControl } from '../main/trainer/control';
import { withDefaults } from '../main/trainer/settings';
import { buildTemplate } from '../core/templates/index';
import { AUGMENT_PRESETS } from '../core/train-defaults';
import { makePhotoFolder } from './photo-like';

export interface LoaderAlone {
  rates: Array<{ threads: number; imagesPerSecond: number }>;
  /** images/s of one worker thread, and the threads a GPU at 1,000 images/s needs (null: 1 thread not measured) */
  perThread: number | null;
  threadsFor1000: number | null;
}

/**
 * Steady state: the first epoch warms up (threads started, code compiled) and is not timed; the
 * second is, batch 64, batches recycled as the trainer does.
 */
export async function loaderAlone(root: string, cacheDir: string, size: number, threadCounts: readonly number[]): Promise<LoaderAlone> {
  const augment = { ...AUGMENT_PRESETS.imagenet };
  const spec = runDataSpec({ channels: 3, height: size, width: size }, { augment, resize: 'center-crop' });
  const cache = await openDecodeCache(await scanImageFolder(root, { valSplit: 0 }), { input: spec.decode, cacheDir });
  const rates: LoaderAlone['rates'] = [];
  try {
    for (const threads of threadCounts) {
      const loader = createLoader({
        cache,
        split: 'train',
        batchSize: 64,
        recycle: true,
        seed: 1,
        augment,
        mean: [0.5, 0.5, 0.5],
        std: [0.25, 0.25, 0.25],
        output: spec.output!,
        threads,
      });
      try {
        for await (const _ of loader.epoch(0));
        const t0 = performance.now();
        let n = 0;
        for await (const b of loader.epoch(1)) n += b.size;
        rates.push({ threads, imagesPerSecond: n / ((performance.now() - t0) / 1000) });
      } finally {
        await loader.close();
      }
    }
  } finally {
    await cache.close();
  }
  const one = rates.find((r) => r.threads === 1);
  return { rates, perThread: one?.imagesPerSecond ?? null, threadsFor1000: one ? Math.ceil(1000 / one.imagesPerSecond) : null };
}

/** One epoch of ResNet-18 at size x size on the CPU, imagenet preset: the trainer's data-wait log line. */
export async function resnetDataWait(work: string, size: number, images: number, batch: number): Promise<{ batch: number; line: string; waitShare: number }> {
  const data = path.join(work, 'photos');
  await makePhotoFolder(data, images);
  const model = buildTemplate('resnet18', { input: [3, size, size], classes: 3 });
  const settings = withDefaults({ epochs: 1, batchSize: batch, device: 'cpu', augment: { ...AUGMENT_PRESETS.imagenet }, resize: 'center-crop', valSplit: 0 });
  const logs: string[] = [];
  let failure = '';
  await runTraining(
    { project: { name: 'resnet18', model }, dataDir: data, outDir: path.join(work, 'run'), cacheDir: path.join(work, 'cache'), settings },
    (e) => {
      if (e.type === 'log') logs.push(e.message);
      if (e.type === 'failed') failure = e.message;
    },
    new RunControl(),
  );
  await fs.rm(work, { recursive: true, force: true });
  const line = logs.find((m) => /^epoch 1: waited/.test(m));
  if (!line) throw new Error(`the ResNet-18 run gave no data-wait line${failure ? `: ${failure}` : ''}`);
  return { batch, line, waitShare: Number(/([\d.]+)% of/.exec(line)![1]) / 100 };
}
