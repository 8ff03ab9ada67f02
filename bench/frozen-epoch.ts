/**
 * Frozen-backbone epoch time: the studio (cached features, and the backbone recomputed every
 * step) against PyTorch's usual frozen loop (requires_grad=False, backbone in eval mode,
 * recomputed every epoch: bench/frozen_epoch_torch.py) on the same generated folder, ResNet-18
 * (random weights: freezing costs the same whatever the weights), batch B, no augmentation.
 * The studio's first epoch includes its one feature pass; the median is over all epochs.
 *   node bench/run-ts.mjs bench/frozen-epoch.ts (from the repository root) [--images N] [--size S] [--epochs E] [--batch B] [--threads T]
 */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTraining } from '../main/trainer/loop';
import { withDefaults } from '../main/trainer/settings';
import type { TrainEvent, TrainSettings } from '../main/trainer/types';
import { resnet18, writeRgbFolder } from './finetune-models';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const images = arg('--images', 256);
const size = arg('--size', 64);
const epochs = arg('--epochs', 4);
const batch = arg('--batch', 32);
const threads = arg('--threads', 2);
const CLASSES = 4;

const median = (xs: number[]): number => {
  const v = [...xs].sort((a, b) => a - b);
  const h = v.length >> 1;
  return v.length % 2 ? v[h]! : (v[h - 1]! + v[h]!) / 2;
};

async function studioEpochs(data: string, work: string, over: Partial<TrainSettings>, tag: string): Promise<number[]> {
  const seconds: number[] = [];
  const settings = withDefaults({
    epochs,
    batchSize: batch,
    optimizer: 'sgd',
    lr: 0.01,
    schedule: { kind: 'constant' },
    augment: null,
    device: 'cpu',
    valSplit: 0,
    freeze: 'backbone',
    ...over,
  });
  const end = await runTraining(
    {
      project: { name: 'resnet18', model: resnet18([3, size, size], CLASSES) },
      dataDir: data,
      outDir: path.join(work, tag),
      cacheDir: path.join(work, 'cache'),
      settings,
      threads,
      progressIntervalMs: 1000,
    },
    (e: TrainEvent) => {
      if (e.type === 'epoch') seconds.push(e.seconds);
    },
  );
  if (end.type !== 'done') throw new Error(`studio run ${tag} ended ${end.type}: ${'message' in end ? end.message : ''}`);
  return seconds;
}

function torchEpochs(data: string): number[] {
  const script = path.resolve('bench', 'frozen_epoch_torch.py');
  const r = spawnSync('/usr/bin/python3', [script, data, String(size), String(epochs), String(batch), String(threads)], {
    encoding: 'utf8',
    maxBuffer: 16 << 20,
  });
  if (r.status !== 0) throw new Error(`frozen_epoch_torch.py failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { seconds: number[] }).seconds;
}

async function main(): Promise<void> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'frozen-epoch-'));
  try {
    const data = await writeRgbFolder(path.join(work, 'data'), CLASSES, Math.ceil(images / CLASSES), size);
    const rows: [string, number[]][] = [
      ['studio, cached features', await studioEpochs(data, work, {}, 'cached')],
      ['studio, backbone every step', await studioEpochs(data, work, { featureCacheMb: 0 }, 'uncached')],
      ['pytorch frozen loop', torchEpochs(data)],
    ];
    console.log(`frozen ResNet-18 backbone, ${images} images 3x${size}x${size}, batch ${batch}, ${epochs} epochs, ${threads} threads`);
    const total = (s: number[]): number => s.reduce((a, b) => a + b, 0);
    for (const [name, s] of rows)
      console.log(
        `${name.padEnd(30)} total ${total(s).toFixed(2)} s, median epoch ${median(s).toFixed(3)} s   (epochs: ${s.map((x) => x.toFixed(3)).join(', ')})`,
      );
    const ratio = median(rows[0]![1]) / median(rows[2]![1]);
    console.log(
      `studio cached / pytorch, median epoch: ${ratio.toFixed(3)} (target <= 0.5); whole run: ${(total(rows[0]![1]) / total(rows[2]![1])).toFixed(3)}`,
    );
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
