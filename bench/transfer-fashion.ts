/**
 * Transfer on Fashion-MNIST, offline (Debian: apt-get install dataset-fashion-mnist): LeNet-5 is
 * pretrained with the studio on classes 0-4, then fine-tuned on `--shots` images per class of
 * classes 5-9 (frozen backbone, then the last stage at 0.1 x the learning rate: --recipe
 * finetune) against the same network trained from scratch on those images. Both are scored on
 * the test images of classes 5-9 (the last epoch's accuracy, not the best, so the test set picks
 * nothing). Prints accuracies and wall times.
 *   node bench/run-ts.mjs bench/transfer-fashion.ts [--pretrain-per-class N] [--test-per-class T]
 *        [--pretrain-epochs P] [--epochs E] [--shots S] [--lr X] [--idx DIR] [--threads K]
 * A third row fine-tunes every block from the pretrained weights (no freezing).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { buildTemplate } from '../core/templates/index';
import type { ModelDocument } from '../core/graph/index';
import { FASHION_MNIST_CLASSES, FASHION_MNIST_DIR, readIdx, type IdxArray } from '../main/data/idx';
import { runTraining } from '../main/trainer/loop';
import { readRunJson } from '../main/trainer/run-folder';
import { withDefaults } from '../main/trainer/settings';
import type { TrainOptions, TrainSettings } from '../main/trainer/types';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const idxDir = process.argv.includes('--idx') ? process.argv[process.argv.indexOf('--idx') + 1]! : FASHION_MNIST_DIR;
const perClass = arg('--pretrain-per-class', 1000);
const testPerClass = arg('--test-per-class', 500);
const pretrainEpochs = arg('--pretrain-epochs', 5);
const epochs = arg('--epochs', 15);
const shots = arg('--shots', 20);
const threads = arg('--threads', 1);
/** One learning rate for the three few-shot runs (AdamW, one-cycle peak). */
const lr = arg('--lr', 0.01);

/** The first `count` images of each class in `classes` written as dir/<label>_<name>/<i>.png. */
async function writeClasses(images: IdxArray, labels: IdxArray, dir: string, classes: readonly number[], count: number): Promise<void> {
  const [n, h, w] = images.dims as [number, number, number];
  const taken = new Map(classes.map((c) => [c, 0]));
  for (const c of classes) await fs.mkdir(path.join(dir, `${c}_${FASHION_MNIST_CLASSES[c]}`), { recursive: true });
  for (let i = 0; i < n; i++) {
    const c = labels.data[i]!;
    const k = taken.get(c);
    if (k === undefined || k >= count) continue;
    taken.set(c, k + 1);
    const px = Buffer.from(images.data.subarray(i * h * w, (i + 1) * h * w));
    await sharp(px, { raw: { width: w, height: h, channels: 1 } })
      .png()
      .toFile(path.join(dir, `${c}_${FASHION_MNIST_CLASSES[c]}`, `${i}.png`));
  }
}

async function run(opts: Omit<TrainOptions, 'settings' | 'threads'>, over: Partial<TrainSettings>): Promise<{ accuracy: number; seconds: number }> {
  const settings = withDefaults({ batchSize: 64, augment: null, device: 'cpu', seed: 1, ...over });
  const t0 = performance.now();
  const end = await runTraining({ ...opts, settings, threads, progressIntervalMs: 1000 }, () => undefined);
  const seconds = (performance.now() - t0) / 1000;
  if (end.type !== 'done') throw new Error(`${opts.outDir}: ${end.type} ${'message' in end ? end.message : ''}`);
  const last = (await readRunJson(opts.outDir)).history.at(-1)!;
  return { accuracy: last.valAccuracy ?? NaN, seconds };
}

/** The same network with its Output block renamed: its classifier starts fresh, not from the 0-4 head. */
function freshHead(doc: ModelDocument): ModelDocument {
  return { ...doc, nodes: doc.nodes.map((n) => (n.type === 'output' ? { ...n, name: 'head' } : n)) };
}

async function main(): Promise<void> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'transfer-fashion-'));
  try {
    const f = (n: string): string => path.join(idxDir, n);
    const [ti, tl, vi, vl] = await Promise.all([
      readIdx(f('train-images-idx3-ubyte.gz')),
      readIdx(f('train-labels-idx1-ubyte.gz')),
      readIdx(f('t10k-images-idx3-ubyte.gz')),
      readIdx(f('t10k-labels-idx1-ubyte.gz')),
    ]);
    const [first, second] = [
      [0, 1, 2, 3, 4],
      [5, 6, 7, 8, 9],
    ];
    await writeClasses(ti, tl, path.join(work, 'pre', 'train'), first, perClass);
    await writeClasses(vi, vl, path.join(work, 'pre', 'val'), first, testPerClass);
    await writeClasses(ti, tl, path.join(work, 'few', 'train'), second, shots);
    await writeClasses(vi, vl, path.join(work, 'few', 'val'), second, testPerClass);
    const doc = buildTemplate('lenet5', { input: [1, 28, 28], classes: 5 });
    const cacheDir = path.join(work, 'cache');
    const pre = await run(
      { project: { name: 'pre', model: doc }, dataDir: path.join(work, 'pre'), outDir: path.join(work, 'run-pre'), cacheDir },
      { epochs: pretrainEpochs },
    );
    const few = { dataDir: path.join(work, 'few'), cacheDir };
    const fewSettings = { epochs, batchSize: Math.min(20, 5 * shots), lr };
    const pretrained = path.join(work, 'run-pre', 'best.ckpt');
    const tuned = await run(
      { ...few, project: { name: 'finetune', model: freshHead(doc) }, outDir: path.join(work, 'run-finetune'), initialWeights: pretrained },
      { ...fewSettings, freeze: 'backbone', phase2Epochs: Math.max(1, Math.round(epochs / 3)) },
    );
    const whole = await run(
      { ...few, project: { name: 'whole', model: freshHead(doc) }, outDir: path.join(work, 'run-whole'), initialWeights: pretrained },
      fewSettings,
    );
    const scratch = await run({ ...few, project: { name: 'scratch', model: freshHead(doc) }, outDir: path.join(work, 'run-scratch') }, fewSettings);
    const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
    console.log(`LeNet-5 on Fashion-MNIST; test: ${testPerClass} images per class; ${threads} thread(s)`);
    console.log(`pretrain on classes 0-4 (${perClass}/class, ${pretrainEpochs} epochs): accuracy ${pct(pre.accuracy)} in ${pre.seconds.toFixed(1)} s`);
    console.log(`classes 5-9, ${shots} images/class, ${epochs} epochs, AdamW lr ${lr}:`);
    console.log(`  fine-tuned (frozen backbone, then last stage at 0.1 x lr): accuracy ${pct(tuned.accuracy)} in ${tuned.seconds.toFixed(1)} s`);
    console.log(`  pretrained, every block trained:                          accuracy ${pct(whole.accuracy)} in ${whole.seconds.toFixed(1)} s`);
    console.log(`  from scratch:                                             accuracy ${pct(scratch.accuracy)} in ${scratch.seconds.toFixed(1)} s`);
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
