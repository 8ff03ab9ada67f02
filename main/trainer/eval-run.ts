/**
 * Evaluates a trained model on an image folder: a run folder (its project, best checkpoint and
 * preprocessing, through the eval graph) or any studio-exported model.onnx (preprocessing and
 * class names from its metadata, through the predictor). Same metrics either way.
 *
 * Which images: the folder's test/ split when it has one, else val/, else every image in the
 * class folders (no split is held out).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseProject } from '../../core/graph/project';
import { MetricsAccumulator, type EvalMetrics } from '../../core/train/metrics';
import { prepareDataset, type PreparedDataset } from '../data/dataset';
import { createLoader, type Loader } from '../data/loader';
import type { SplitName } from '../data/scan';
import type { FileIssue } from '../data/errors';
import type { ResizePolicy } from '../data/decode';
import { Predictor } from '../inference/predict';
import { readCheckpoint } from './checkpoint';
import { createEvalSessions, evaluateSplit } from './evaluate';
import type { Device } from './ort-session';
import { physicalCores } from './physical-cores';
import { inputSpec } from './project-model';
import { projectFile, readRunJson, runPaths, TrainError } from './run-folder';

export interface EvalOptions {
  /** which split to evaluate (default: test, else val, else all images) */
  split?: SplitName;
  batchSize?: number;
  cacheDir?: string;
  threads?: number;
  /** longest list of misclassified samples (default: all) */
  maxMisclassified?: number;
  /** execution provider, already selected (selectDevice); default CPU */
  device?: Device;
}

export interface EvalReport extends EvalMetrics {
  model: string;
  data: string;
  split: SplitName;
  classes: string[];
  /** files that could not be read (skipped) */
  corrupt: FileIssue[];
}

export function pickSplit(data: PreparedDataset, want?: SplitName): SplitName {
  if (want) {
    if (!data.cache.split(want)?.count) throw new TrainError('no-split', `${data.scan.root} has no ${want} images`);
    return want;
  }
  if (data.scan.splits.test && data.cache.split('test')?.count) return 'test';
  if (data.scan.layout === 'split-folders' && data.cache.split('val')?.count) return 'val';
  return 'train';
}

async function isRunFolder(target: string): Promise<boolean> {
  const st = await fs.stat(target).catch(() => null);
  if (!st) throw new TrainError('not-found', `${target}: no such file or folder`);
  return (
    st.isDirectory() &&
    (await fs.stat(runPaths(target).runJson).then(
      () => true,
      () => false,
    ))
  );
}

export async function evaluateModel(target: string, dataDir: string, o: EvalOptions = {}): Promise<EvalReport> {
  const threads = o.threads ?? physicalCores();
  if (await isRunFolder(target)) return evaluateRun(target, dataDir, o, threads);
  let file = target;
  if ((await fs.stat(target)).isDirectory()) {
    file = path.join(target, 'model.onnx');
    if (
      !(await fs.stat(file).then(
        () => true,
        () => false,
      ))
    )
      throw new TrainError('not-found', `${target} is neither a run folder (run.json) nor holds a model.onnx`);
  }
  return evaluateOnnx(file, dataDir, o, threads);
}

async function evaluateRun(runDir: string, dataDir: string, o: EvalOptions, threads: number): Promise<EvalReport> {
  const paths = runPaths(runDir);
  const run = await readRunJson(runDir);
  const project = parseProject(await fs.readFile(projectFile(runDir), 'utf8'));
  const ckFile = run.checkpoints.best ? paths.best : paths.last;
  const ck = await readCheckpoint(ckFile);
  const { spec } = inputSpec(project.model);
  const pre = run.preprocessing;
  const data = await prepareDataset(dataDir, {
    input: { ...spec, resize: pre.resize },
    valSplit: 0,
    mean: pre.mean,
    std: pre.std,
    ...(o.cacheDir ? { cacheDir: o.cacheDir } : {}),
  });
  try {
    const classes = run.data.classes;
    if (data.classes.join('\n') !== classes.join('\n')) {
      throw new TrainError('classes-mismatch', `the data's classes (${data.classes.join(', ')}) differ from the run's (${classes.join(', ')})`);
    }
    const split = pickSplit(data, o.split);
    const loader = createLoader({
      cache: data.cache,
      split,
      batchSize: Math.max(1, Math.min(o.batchSize ?? 64, data.cache.split(split)!.count)),
      mean: pre.mean,
      std: pre.std,
    });
    const sessions = await createEvalSessions(project.model, loader.size, loader.batchSize, { device: o.device ?? 'cpu', threads });
    try {
      const all = new Map([...ck.weights, ...ck.running]);
      const shapes = new Map<string, number[]>();
      for (const s of sessions.bySize.values()) for (const v of s.graph.model.graph.inputs) shapes.set(v.name, v.shape.map(Number));
      const m = await evaluateSplit(sessions, (n) => all.get(n), shapes, loader, classes, o.maxMisclassified);
      return { ...m, model: ckFile, data: data.scan.root, split, classes, corrupt: [...data.corrupt] };
    } finally {
      await sessions.release();
    }
  } finally {
    await data.cache.close();
  }
}

async function evaluateOnnx(file: string, dataDir: string, o: EvalOptions, threads: number): Promise<EvalReport> {
  const predictor = await Predictor.open(file, { threads, device: o.device ?? 'cpu' });
  try {
    const md = predictor.metadata;
    const [c, h, w] = md.inputSize;
    if (c !== 1 && c !== 3) throw new TrainError('bad-model', `${file}: the model takes ${c} channels; evaluation decodes images as 1 or 3`);
    const resize: ResizePolicy = md.resize;
    const data = await prepareDataset(dataDir, {
      input: { channels: c, height: h, width: w, resize },
      valSplit: 0,
      mean: md.mean,
      std: md.std,
      ...(o.cacheDir ? { cacheDir: o.cacheDir } : {}),
    });
    try {
      // The model's class i is the dataset class of the same name (or, without names, folder i).
      const names = md.classNames.length > 0 ? md.classNames : [...data.classes];
      const toModel = data.classes.map((cls) => names.indexOf(cls));
      const unknown = data.classes.filter((_, i) => toModel[i]! < 0);
      if (unknown.length > 0)
        throw new TrainError(
          'classes-mismatch',
          `the model does not know the class${unknown.length > 1 ? 'es' : ''} ${unknown.join(', ')} (its classes: ${names.join(', ')})`,
        );
      const split = pickSplit(data, o.split);
      const loader: Loader = createLoader({ cache: data.cache, split, batchSize: Math.max(1, o.batchSize ?? 64), mean: md.mean, std: md.std });
      const acc = new MetricsAccumulator(names, o.maxMisclassified);
      for await (const b of loader.epoch(0)) {
        const probs = await predictor.probabilities(b.images, b.size);
        // log(p) as logits: softmax(log p) = p, so the confidence is the model's own probability.
        const logp = Float32Array.from(probs, (p) => Math.log(Math.max(p, 1e-30)));
        const labels = Int32Array.from(b.labels, (l) => toModel[Number(l)]!);
        let loss = 0;
        for (let i = 0; i < b.size; i++) loss -= logp[i * names.length + labels[i]!]!;
        acc.add(
          logp,
          labels,
          b.indices.map((i) => loader.paths[i]!),
          loss / b.size,
        );
      }
      return { ...acc.result(), model: file, data: data.scan.root, split, classes: names, corrupt: [...data.corrupt] };
    } finally {
      await data.cache.close();
    }
  } finally {
    await predictor.close();
  }
}
