/**
 * Out-of-sample class probabilities by k-fold cross-validation with the run's own recipe.
 *
 * Every image must be scored by a model that never trained on it, or a memorised wrong label
 * looks right. The images are split into k folds, stratified by class (within each class, images
 * ranked by a seeded hash of their path and dealt round-robin); for fold f the trainer runs the
 * run's project and settings (optimizer, learning rate, schedule, augmentation, seed) on every
 * other fold, for a small epoch budget and without a validation split, and the resulting
 * model.onnx scores fold f. The training runs go to a temporary folder, removed afterwards.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashString } from '../../core/data/hash';
import { compareCodePoints } from '../../core/data/sort';
import { runTraining } from '../trainer/loop';
import { TrainError } from '../trainer/run-folder';
import type { ProjectJson, TrainEvent, TrainOptions, TrainSettings } from '../trainer/types';
import type { ImageEntry } from '../data/scan';
import { FeatureModel } from './model-features';

export interface FoldOptions {
  project: ProjectJson;
  settings: TrainSettings;
  dataDir: string;
  /** folds (>= 2) */
  k: number;
  /** epochs per fold (at most the run's own) */
  epochs: number;
  cacheDir?: string;
  threads?: number;
  onLog?: (message: string) => void;
  /**
   * Runs one fold's training to its terminal event. Default: in this thread (the CLI); the studio's
   * backend passes its trainer host, so the folds train off the UI's process as its runs do.
   */
  train?: (options: TrainOptions) => Promise<TrainEvent>;
}

const inThisThread = (options: TrainOptions): Promise<TrainEvent> => runTraining(options, () => undefined);

/** Fold of each entry (same order), stratified by label. */
export function assignFolds(entries: readonly ImageEntry[], k: number, seed: number): number[] {
  const fold = new Array<number>(entries.length).fill(0);
  const byClass = new Map<number, number[]>();
  entries.forEach((e, i) => byClass.set(e.label, [...(byClass.get(e.label) ?? []), i]));
  for (const idx of byClass.values()) {
    const ranked = idx
      .map((i) => ({ i, h: hashString(entries[i]!.rel, seed >>> 0) }))
      .sort((a, b) => a.h - b.h || compareCodePoints(entries[a.i]!.rel, entries[b.i]!.rel));
    ranked.forEach((r, n) => (fold[r.i] = n % k));
  }
  return fold;
}

/**
 * Class probabilities of each entry (N x classes, in the order of `classes`) from the model of
 * the fold that held it out.
 */
export async function outOfSampleProbabilities(entries: readonly ImageEntry[], classes: readonly string[], o: FoldOptions): Promise<Float32Array> {
  const K = classes.length;
  const probs = new Float32Array(entries.length * K);
  const folds = assignFolds(entries, o.k, o.settings.seed);
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'cnn-studio-doctor-'));
  try {
    for (let f = 0; f < o.k; f++) {
      const held = entries.map((_, i) => i).filter((i) => folds[i] === f);
      if (held.length === 0) continue;
      o.onLog?.(`fold ${f + 1} of ${o.k}: training on ${entries.length - held.length} images for ${o.epochs} epoch(s), scoring ${held.length}`);
      const modelFile = await trainFold(
        o,
        held.map((i) => entries[i]!.rel),
        path.join(work, `fold-${f + 1}`),
      );
      const model = await FeatureModel.open(modelFile, o.threads);
      try {
        const out = await model.run(held.map((i) => entries[i]!.path));
        // The fold model's class i is the dataset class of the same name.
        const names = model.metadata.classNames.length > 0 ? model.metadata.classNames : [...classes];
        held.forEach((entryIndex, row) => {
          names.forEach((name, c) => {
            const to = classes.indexOf(name);
            if (to >= 0) probs[entryIndex * K + to] = out.probs[row * out.classes + c]!;
          });
        });
      } finally {
        await model.close();
      }
    }
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
  return probs;
}

/** Trains one fold (everything but `heldOut`) and returns its model.onnx. */
async function trainFold(o: FoldOptions, heldOut: string[], outDir: string): Promise<string> {
  const settings: TrainSettings = { ...o.settings, epochs: o.epochs, valSplit: 0, patience: 0, device: 'cpu' };
  const end = await (o.train ?? inThisThread)({
    project: o.project,
    dataDir: o.dataDir,
    exclude: heldOut,
    outDir,
    settings,
    fromScratch: true,
    ...(o.cacheDir ? { cacheDir: o.cacheDir } : {}),
    ...(o.threads ? { threads: o.threads } : {}),
    progressIntervalMs: 1000,
  });
  if (end.type !== 'done' || !end.checkpoints.model) {
    const why = end.type === 'failed' ? end.message : `the run ended as ${end.type}`;
    throw new TrainError('doctor-fold', `the data doctor could not train a cross-validation model: ${why}`);
  }
  return end.checkpoints.model;
}
