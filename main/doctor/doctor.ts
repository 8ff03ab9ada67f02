/**
 * The data doctor: what in an image folder is likely wrong, judged with a trained run.
 *   1. suspected label errors: confident learning, prune by noise rate (core/data/confident-learning.ts), on
 *      out-of-sample probabilities: k-fold models with the run's recipe (folds.ts) for the images
 *      the run could have trained on; the run's own model for a val/ or test/ folder, which it
 *      never trained on;
 *   2. near-duplicates (within a class, across classes, across splits) from the run model's
 *      penultimate-layer embeddings and a dHash (core/data/similarity.ts);
 *   3. outliers far from every class centroid, and the images that cannot be read.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { pruneByNoiseRate } from '../../core/data/confident-learning';
import { findDuplicateGroups, findOutliers, normalizeRows, pHash, pixelSignature, THUMB_SIDE, type Hash64 } from '../../core/data/similarity';
import type { DoctorDuplicate, DoctorReport } from '../../core/data/doctor-report';
import { stripBom } from '../../core/json-text';
import { decodeImage } from '../data/decode';
import { mapLimit } from '../data/pool';
import { scanImageFolder, type ImageEntry, type SplitName } from '../data/scan';
import { projectFile, readRunJson, runPaths, TrainError } from '../trainer/run-folder';
import type { ProjectJson, TrainSettings } from '../trainer/types';
import { FeatureModel } from './model-features';
import { outOfSampleProbabilities, type FoldOptions } from './folds';

export interface DoctorOptions {
  /** cross-validation folds (default 5) */
  folds?: number;
  /** epochs per fold model (default: the run's, at most 5) */
  epochs?: number;
  cacheDir?: string;
  threads?: number;
  onLog?: (message: string) => void;
  /** how each fold trains (folds.ts; default: in this thread) */
  train?: FoldOptions['train'];
}

interface Sample extends ImageEntry {
  split: SplitName;
}

/** The pixel view of an image: pHash and thumbnail signature, from one 32 x 32 greyscale decode. */
async function pixelView(file: string): Promise<{ hash: Hash64; signature: Float32Array }> {
  const grey = await decodeImage(file, { channels: 1, height: THUMB_SIDE, width: THUMB_SIDE, resize: 'stretch' });
  return { hash: pHash(grey), signature: pixelSignature(grey) };
}

async function readProject(runDir: string): Promise<ProjectJson> {
  const file = projectFile(runDir);
  const text = await fs.readFile(file, 'utf8').catch(() => {
    throw new TrainError('not-found', `${runDir} has no project.json: pass a run folder written by cnn-studio train`);
  });
  return JSON.parse(stripBom(text)) as ProjectJson;
}

/** Refuses bad option values before anything slow starts. */
function checkOptions(o: DoctorOptions): void {
  if (o.folds !== undefined && !(Number.isInteger(o.folds) && o.folds >= 2))
    throw new TrainError('bad-option', `folds must be a whole number >= 2, got ${o.folds}`);
  if (o.epochs !== undefined && !(Number.isInteger(o.epochs) && o.epochs >= 1))
    throw new TrainError('bad-option', `epochs must be a whole number >= 1, got ${o.epochs}`);
}

export async function runDoctor(runDirIn: string, dataDirIn: string, o: DoctorOptions = {}): Promise<DoctorReport> {
  checkOptions(o);
  const runDir = path.resolve(runDirIn);
  const run = await readRunJson(runDir);
  const project = await readProject(runDir);
  const modelFile = runPaths(runDir).model;
  if (!(await fs.stat(modelFile).catch(() => null))?.isFile())
    throw new TrainError('not-found', `${runDir} has no model.onnx yet: let the run finish an epoch first`);
  const scan = await scanImageFolder(dataDirIn, { valSplit: run.settings.valSplit, seed: run.settings.seed });
  if (scan.classes.join('\n') !== run.data.classes.join('\n')) {
    throw new TrainError('classes-mismatch', `the data's classes (${scan.classes.join(', ')}) differ from the run's (${run.data.classes.join(', ')})`);
  }
  const all: Sample[] = (['train', 'val', 'test'] as const).flatMap((split) => (scan.splits[split] ?? []).map((e) => ({ ...e, split })));

  // The run's model: embeddings for everything, probabilities for the held-out folders.
  const model = await FeatureModel.open(modelFile, o.threads);
  const features = await model.run(all.map((s) => s.path)).finally(() => model.close());
  const unreadable = [...features.unreadable].map(([i, reason]) => ({ path: all[i]!.path, reason }));
  const keep = all.map((_, i) => i).filter((i) => !features.unreadable.has(i));
  const samples = keep.map((i) => all[i]!);
  const K = scan.classes.length;
  const dim = features.dim;
  const readable = new Float32Array(keep.length * dim);
  keep.forEach((i, row) => readable.set(features.embeddings.subarray(i * dim, (i + 1) * dim), row * dim));
  const embeddings = normalizeRows(readable, dim);
  const labels = Int32Array.from(samples, (s) => s.label);

  const heldOutProbs = samples.map((_, i) => features.probs.subarray(keep[i]! * K, (keep[i]! + 1) * K));
  const probs = await outOfSample(
    { samples, heldOutProbs, classes: scan.classes, layout: scan.layout, dataDir: scan.root, project, settings: run.settings },
    o,
  );
  const cl = pruneByNoiseRate(probs.values, labels, K);
  const pixels = await mapLimit(samples, 8, (s) => pixelView(s.path));
  const groups = findDuplicateGroups({ embeddings, dim, hashes: pixels.map((p) => p.hash), signatures: pixels.map((p) => p.signature) });
  const outliers = findOutliers(embeddings, dim, labels, K);
  const name = (c: number): string => scan.classes[c]!;
  return {
    data: scan.root,
    run: runDir,
    classes: scan.classes,
    images: all.length,
    method: {
      folds: probs.folds,
      epochs: probs.epochs,
      crossValidated: probs.crossValidated,
      heldOut: samples.length - probs.crossValidated,
      thresholds: Object.fromEntries(cl.thresholds.map((t, c) => [name(c), t])),
    },
    suspectedMislabels: cl.issues.map((x) => ({
      path: samples[x.index]!.path,
      rel: samples[x.index]!.rel,
      label: name(x.label),
      suggested: name(x.suggested),
      confidence: x.confidence,
      selfConfidence: x.selfConfidence,
    })),
    duplicates: groups.map((g): DoctorDuplicate => {
      const members = g.members.map((i) => samples[i]!);
      const labelNames = members.map((m) => name(m.label));
      return {
        paths: members.map((m) => m.path),
        rels: members.map((m) => m.rel),
        labels: labelNames,
        similarity: g.similarity,
        embeddingCosine: g.embeddingCosine,
        hashDistance: g.hashDistance,
        crossSplit: new Set(members.map((m) => m.split)).size > 1,
        crossClass: new Set(labelNames).size > 1,
      };
    }),
    outliers: outliers.map((x) => ({
      path: samples[x.index]!.path,
      rel: samples[x.index]!.rel,
      label: name(samples[x.index]!.label),
      nearest: name(x.nearest),
      distance: x.distance,
    })),
    unreadable,
  };
}

interface OutOfSampleInput {
  samples: readonly Sample[];
  /** the run model's probabilities of each sample (used for a val/ or test/ folder) */
  heldOutProbs: readonly Float32Array[];
  classes: string[];
  layout: 'class-folders' | 'split-folders';
  dataDir: string;
  project: ProjectJson;
  settings: TrainSettings;
}

/**
 * Out-of-sample probabilities of the samples: k-fold models for the images the run could train on
 * (all of them in a folder of classes, train/ in a split layout), the run's own model for a val/
 * or test/ folder.
 */
async function outOfSample(x: OutOfSampleInput, o: DoctorOptions): Promise<{ values: Float32Array; folds: number; epochs: number; crossValidated: number }> {
  const K = x.classes.length;
  const values = new Float32Array(x.samples.length * K);
  const cv = x.samples.map((_, i) => i).filter((i) => x.layout === 'class-folders' || x.samples[i]!.split === 'train');
  const inCv = new Set(cv);
  x.heldOutProbs.forEach((p, i) => {
    if (!inCv.has(i)) values.set(p, i * K);
  });
  const folds = o.folds ?? 5;
  const epochs = o.epochs ?? Math.min(5, x.settings.epochs);
  const fold = await outOfSampleProbabilities(
    cv.map((i) => x.samples[i]!),
    x.classes,
    {
      project: x.project,
      settings: x.settings,
      dataDir: x.dataDir,
      k: folds,
      epochs,
      ...(o.cacheDir ? { cacheDir: o.cacheDir } : {}),
      ...(o.threads ? { threads: o.threads } : {}),
      ...(o.onLog ? { onLog: o.onLog } : {}),
    },
  );
  cv.forEach((i, row) => values.set(fold.subarray(row * K, (row + 1) * K), i * K));
  return { values, folds, epochs, crossValidated: cv.length };
}
