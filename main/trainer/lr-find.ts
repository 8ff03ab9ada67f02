/**
 * The learning-rate range test (core/train/lr-finder.ts) on a project and a dataset: the train
 * step the trainer builds (same model, optimizer, batch, augmentation and seed), the weights a
 * run would start from (seeded initialisation, or the checkpoint the project names) held in
 * memory only, one step per learning rate of the sweep, on the CPU. Nothing is written: the
 * project, its runs and any checkpoint are untouched. The studio and the CLI run it in a trainer
 * host (lr-find-off-thread.ts), as they run training.
 */
import type { ModelDocument } from '../../core/graph/index';
import { buildStudioTrainStep } from '../../core/train/studio';
import { checkLrSweep, DEFAULT_LR_SWEEP, LrRangeTest, suggestLr, sweepLr, type LrPoint, type LrSweep } from '../../core/train/lr-finder';
import { prepareDataset, type PreparedDataset } from '../data/dataset';
import { createLoader } from '../data/loader';
import { RunControl } from './control';
import { drawMasks, maskSpecs } from './dropout-masks';
import { initialWeights, optimizerConfig } from './loop';
import { TrainStepRunner } from './ort-session';
import { physicalCores } from './physical-cores';
import { applyStartingWeights, startingWeightsFile } from './starting-weights';
import { inputSpec, loadProject, withClassCount } from './project-model';
import { TrainError } from './run-folder';
import { validateSettings } from './settings';
import type { ProjectJson, TrainSettings } from './types';

export interface LrFindOptions {
  project: ProjectJson;
  /** The project file: a checkpoint it names (an imported model's weights) is where the sweep starts, as training would. */
  projectPath?: string;
  dataDir: string;
  /** Batch, optimizer, weight decay, augmentation, resize, split and seed as a run would use them. */
  settings: TrainSettings;
  sweep?: Partial<LrSweep>;
  threads?: number;
  cacheDir?: string;
  /** cancel() stops the sweep after the current step; the curve so far is returned. */
  control?: RunControl;
  /** Called after every kept step. */
  onPoint?: (point: LrPoint, step: number, steps: number) => void;
}

/** What a trainer host is sent for a sweep: the options without the callbacks, which stay with the caller. */
export type LrFindJob = Omit<LrFindOptions, 'control' | 'onPoint'>;

export interface LrFindResult {
  curve: LrPoint[];
  /** The steepest-descent learning rate, or null when the loss never fell. */
  suggestion: number | null;
  /** Why the sweep ended. */
  stopped: 'end' | 'diverged' | 'cancelled';
  sweep: LrSweep;
  batchSize: number;
}

function sweepOf(partial: Partial<LrSweep> | undefined): LrSweep {
  const sweep = { ...DEFAULT_LR_SWEEP, ...partial };
  const bad = checkLrSweep(sweep);
  if (bad) throw new TrainError('bad-settings', bad);
  return sweep;
}

async function prepare(
  o: LrFindOptions,
): Promise<{ data: PreparedDataset; spec: ReturnType<typeof inputSpec>['spec']; project: ReturnType<typeof loadProject> }> {
  const project = loadProject(o.project);
  const { spec } = inputSpec(project.model);
  if (!o.dataDir) throw new TrainError('no-data', 'no dataset folder given (--data DIR)');
  const data = await prepareDataset(o.dataDir, {
    input: { channels: spec.channels, height: spec.height, width: spec.width, resize: o.settings.resize },
    valSplit: o.settings.valSplit,
    seed: o.settings.seed,
    ...(o.cacheDir ? { cacheDir: o.cacheDir } : {}),
  });
  return { data, spec, project };
}

/** Runs the sweep; throws TrainError for settings or data a run could not use either. */
export async function findLearningRate(o: LrFindOptions): Promise<LrFindResult> {
  validateSettings(o.settings);
  const sweep = sweepOf(o.sweep);
  const { data, project } = await prepare(o);
  try {
    const classes = data.classes.length;
    if (classes < 2) throw new TrainError('one-class', `${data.scan.root} has only one class folder: a classifier needs at least two, one folder per class`);
    const trainCount = data.counts.train?.reduce((a, b) => a + b, 0) ?? 0;
    if (trainCount === 0) throw new TrainError('no-images', `${data.scan.root} has no readable training images`);
    return await sweepSteps(o, sweep, data, withClassCount(project.model, classes).doc, Math.min(o.settings.batchSize, trainCount));
  } finally {
    await data.cache.close().catch(() => undefined);
  }
}

async function sweepSteps(o: LrFindOptions, sweep: LrSweep, data: PreparedDataset, doc: ModelDocument, batch: number): Promise<LrFindResult> {
  const { settings } = o;
  const optimizer = optimizerConfig(settings);
  const loss = settings.labelSmoothing > 0 ? { labelSmoothing: settings.labelSmoothing } : undefined;
  const built = buildStudioTrainStep(doc, { batchSize: batch, optimizer, ...(loss ? { loss } : {}), dropout: 'mask-input' });
  const masks = maskSpecs(built.step.extraInputs, inputSpec(doc).expanded, batch);
  const initial = initialWeights(built.weights, settings.seed);
  const start = startingWeightsFile({ project: o.project, ...(o.projectPath ? { projectPath: o.projectPath } : {}) });
  if (start) await applyStartingWeights(start, built.weights, initial);
  const runner = await TrainStepRunner.create(built.step, optimizer, initial, { device: 'cpu', threads: o.threads ?? physicalCores() });
  const loader = createLoader({
    cache: data.cache,
    split: 'train',
    batchSize: batch,
    seed: settings.seed,
    augment: settings.augment,
    mean: data.mean,
    std: data.std,
    dropLast: true,
    recycle: true,
  });
  const [C, H, W] = loader.shape;
  const test = new LrRangeTest();
  const control = o.control ?? new RunControl();
  let stopped: LrFindResult['stopped'] = 'end';
  try {
    let step = 0;
    for (let epoch = 1; step < sweep.steps && stopped === 'end'; epoch++) {
      for await (const b of loader.epoch(epoch)) {
        if (step >= sweep.steps) break;
        if (control.cancelled) {
          stopped = 'cancelled';
          break;
        }
        const lr = sweepLr(sweep, step);
        const r = await runner.run(b.images, [b.size, C, H, W], b.labels, lr, drawMasks(masks, settings.seed, epoch, b.step));
        if (!test.add(lr, r.loss)) {
          stopped = 'diverged';
          break;
        }
        o.onPoint?.(test.curve[test.curve.length - 1]!, step, sweep.steps);
        step++;
      }
    }
  } finally {
    await runner.session.release().catch(() => undefined);
  }
  return { curve: test.curve, suggestion: suggestLr(test.curve), stopped, sweep, batchSize: batch };
}
