/**
 * Shared test fixtures: tiny generated image folders (sharp writes the PNGs), a tiny model, the
 * training worker bundled on the fly with esbuild (vitest runs TS; a Worker needs JS). Temporary
 * folders come from temp-dir.ts.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { build } from 'esbuild';
import { DocBuilder } from '../../core/graph/doc-builder';
import { createRng } from '../../core/data/rng';
import type { ProjectJson, TrainOptions, TrainSettings } from '../../main/trainer/types';
import { withDefaults } from '../../main/trainer/settings';
import { tempDir } from './temp-dir';

const ROOT = path.resolve(__dirname, '..', '..');

export interface DatasetSpec {
  classes?: string[];
  perClass?: number;
  size?: number;
  /** files (per class) to overwrite with garbage bytes */
  corruptPerClass?: number;
  /** root/train + root/val layout instead of one folder of classes */
  splitFolders?: boolean;
  seed?: number;
}

/**
 * An easy task: class k is a bright horizontal band at rows [k*h/C, (k+1)*h/C) on a dark
 * background, plus uniform noise. A small conv net separates it within an epoch or two.
 */
export async function makeDataset(root: string, spec: DatasetSpec = {}): Promise<string> {
  const classes = spec.classes ?? ['top', 'bottom'];
  const n = spec.perClass ?? 24;
  const s = spec.size ?? 8;
  const rng = createRng(spec.seed ?? 1);
  const write = async (dir: string, count: number, corrupt: number): Promise<void> => {
    for (let c = 0; c < classes.length; c++) {
      const cd = path.join(dir, classes[c]!);
      await fs.mkdir(cd, { recursive: true });
      for (let i = 0; i < count; i++) {
        const file = path.join(cd, `${String(i).padStart(3, '0')}.png`);
        if (i < corrupt) {
          await fs.writeFile(file, Buffer.from('this is not a png at all'));
          continue;
        }
        const px = Buffer.alloc(s * s);
        const lo = Math.floor((c * s) / classes.length);
        const hi = Math.floor(((c + 1) * s) / classes.length);
        for (let y = 0; y < s; y++) for (let x = 0; x < s; x++) px[y * s + x] = (y >= lo && y < hi ? 170 : 40) + Math.floor(rng.next() * 60);
        await sharp(px, { raw: { width: s, height: s, channels: 1 } })
          .png()
          .toFile(file);
      }
    }
  };
  if (spec.splitFolders) {
    await write(path.join(root, 'train'), n, spec.corruptPerClass ?? 0);
    await write(path.join(root, 'val'), Math.max(2, Math.floor(n / 3)), 0);
  } else {
    await write(root, n, spec.corruptPerClass ?? 0);
  }
  return root;
}

/** Input 1xSxS -> conv 4@3x3 -> relu -> maxpool 2 -> flatten -> output (classes set by the trainer). */
export function tinyProject(size = 8, opts: { dropout?: number; batchnorm?: boolean } = {}): ProjectJson {
  const b = new DocBuilder();
  b.then('input', 'input', { channels: 1, height: size, width: size });
  b.then('conv1', 'conv2d', { filters: 4, kernel: 3, padding: 1 });
  if (opts.batchnorm) b.then('bn1', 'batchnorm2d');
  b.then('relu1', 'relu');
  b.then('pool1', 'maxpool2d', { kernel: 2, stride: 2 });
  b.then('flatten', 'flatten');
  if (opts.dropout) b.then('drop', 'dropout', { p: opts.dropout });
  b.then('out', 'output', { classes: 10 });
  return { name: 'tiny', model: b.build() };
}

export function settings(over: Partial<TrainSettings> = {}): TrainSettings {
  return withDefaults({
    epochs: 2,
    batchSize: 8,
    optimizer: 'adam',
    lr: 1e-2,
    schedule: { kind: 'constant' },
    augment: null,
    device: 'cpu',
    seed: 7,
    valSplit: 0.25,
    weightDecay: 0,
    ...over,
  });
}

export function options(project: ProjectJson, dataDir: string, outDir: string, cacheDir: string, over: Partial<TrainSettings> = {}): TrainOptions {
  return { project, dataDir, outDir, cacheDir, settings: settings(over), threads: 1, progressIntervalMs: 0 };
}

let workerBuild: Promise<string> | null = null;

/** The worker entry bundled like scripts/build.mjs does (CJS, native packages external). */
export function workerScript(): Promise<string> {
  workerBuild ??= (async () => {
    // Inside the repository, so the bundle's require('onnxruntime-node') finds node_modules.
    const parent = path.join(ROOT, 'node_modules', '.cache', 'cnn-studio-test');
    await fs.mkdir(parent, { recursive: true });
    const dir = tempDir(`worker-${process.pid}-`, parent);
    const outfile = path.join(dir, 'train-worker.cjs');
    await build({
      entryPoints: [path.join(ROOT, 'main/trainer/worker-entry.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      external: ['onnxruntime-node', 'sharp'],
      absWorkingDir: ROOT,
      logLevel: 'error',
    });
    return outfile;
  })();
  return workerBuild;
}
