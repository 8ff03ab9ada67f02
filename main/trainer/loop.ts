/**
 * The training loop. Runs wherever it is called: in the training worker (production) or in
 * process (tests). It never throws: every outcome ends in exactly one terminal event (done,
 * cancelled or failed), also recorded in run.json.
 *
 * Determinism: weights are initialised from seededRandom(seedOf(seed, INIT)); the data order and
 * augmentation of epoch e depend on (seed, e) only (main/data/loader); dropout masks on
 * (seed, e, step); learning rates are a pure function of the step. So the same seed gives the same
 * run, and a run resumed from the checkpoint after epoch k continues exactly as if never stopped.
 */
import { cacheCapNotes } from '../data/cache-admin';
import { decodeRate } from '../../core/data/decode-progress';
import { runDataSpec, type RunDataSpec } from './data-spec';
import { readConfig } from '../config';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { seedOf } from '../../core/data/hash';
import { initWeight, seededRandom, type ModelDocument } from '../../core/graph/index';
import { buildStudioDataParallel, buildStudioTrainStep } from '../../core/train/studio';
import type { PoolRoutes } from '../../core/train/grad/maxpool-first-max';
import { poolRoutes } from './pool-routes';
import type { OptimizerConfig } from '../../core/train/optim/index';
import { learningRate, type ScheduleSpan } from '../../core/train/schedule';
import { countCorrect, type EvalMetrics } from '../../core/train/metrics';
import { serializeProject } from '../../core/graph/project';
import { prepareDataset, type PreparedDataset } from '../data/dataset';
import { applyStartingWeights, backboneNormalisation, startingWeightsFile } from './starting-weights';
import { createLoader, type Loader } from '../data/loader';
import { loaderThreads, startSampleThreads } from '../data/loader-threads';
import { DatasetError } from '../data/errors';
import { atomicWrite, WriteFailure } from '../fs/atomic-write';
import { TrainStepRunner } from './ort-session';
import { readCheckpoint, writeCheckpoint, type Checkpoint } from './checkpoint';
import { RunControl } from './control';
import { selectDevice, type Probe, type ProviderCheck } from './device';
import { onCpu, planDevice, planSession, type ProviderBuild, type StepPlan } from './step-plan';
import type { TrainStepGraph } from '../../core/train/build-train-step';
import { selfTestModel, type SelfTestInput } from './self-test';
import { createDeviceRunner, residentOnWebgpu } from './resident-session';
import { explainProviderError } from '../providers';
import { buildForProvider } from '../providers/graph-target';
import { knownTarget, type ProviderTarget } from '../../core/train/target';
import { drawMasks, maskSpecs } from './dropout-masks';
import { createEvalSessions, evaluateSplit, type EvalSessions } from './evaluate';
import { writeInferenceModel } from './export-model';
import { physicalCores } from './physical-cores';
import { inputSpec, loadProject, withClassCount } from './project-model';
import { ensureWritableFolder, projectFile, readRunJson, runPaths, TrainError, writeRunJson, type Preprocessing, type RunJson } from './run-folder';
import { validateSettings } from './settings';
import type { EpochRecord, TrainDevice, TrainEvent, TrainOptions, TrainSettings } from './types';
import { phaseModel, phaseOf, phaseStart, type Phase } from './finetune';
import { cachedHead, FeatureCache } from './feature-cache';
import type { FeatureExtractor } from '../../core/train/features';
import { stripBom } from '../../core/json-text';

const INIT_TAG = 0x494e;

export type Emit = (e: TrainEvent) => void;

export interface LoopHooks {
  /** replaces the execution-provider probe (tests) */
  probe?: Probe;
  /** replaces the provider reference self-test (tests) */
  providerCheck?: ProviderCheck;
}

export function optimizerConfig(s: TrainSettings): OptimizerConfig {
  if (s.optimizer === 'sgd') return { kind: 'sgd', momentum: s.momentum, weightDecay: s.weightDecay };
  return { kind: s.optimizer, weightDecay: s.weightDecay };
}

/** Initial weights and buffers, in the expanded graph's (topological) order, from one seeded stream. */
export function initialWeights(weights: ReadonlyArray<Parameters<typeof initWeight>[0] & { name: string }>, seed: number): Map<string, Float32Array> {
  const random = seededRandom(seedOf(seed, INIT_TAG));
  const out = new Map<string, Float32Array>();
  for (const w of weights) out.set(w.name, initWeight(w, random));
  return out;
}

function failure(e: unknown): { code: string; message: string } {
  if (e instanceof TrainError) return { code: e.code, message: e.message };
  if (e instanceof WriteFailure && (e.code === 'ENOSPC' || e.code === 'EDQUOT')) {
    return { code: 'disk-full', message: `${e.message}; free some space, then continue the run with --resume (the last checkpoint written is kept)` };
  }
  if (e instanceof WriteFailure) return { code: 'write-failed', message: e.message };
  if (e instanceof DatasetError) return { code: 'dataset', message: e.message };
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'internal', message };
}

export async function runTraining(opts: TrainOptions, emit: Emit, control: RunControl = new RunControl(), hooks: LoopHooks = {}): Promise<TrainEvent> {
  const state: { run: RunJson | null } = { run: null };
  try {
    return await train(opts, emit, control, hooks, state);
  } catch (e) {
    if (control.cancelled && state.run === null) {
      // Cancelled while the images were being decoded: nothing was trained, no checkpoint exists.
      const ev: TrainEvent = { type: 'cancelled', epoch: 0, checkpoints: { last: null, runJson: runPaths(opts.outDir).runJson } };
      emit(ev);
      return ev;
    }
    const f = failure(e);
    const ev: TrainEvent = { type: 'failed', ...f };
    if (state.run) {
      state.run.status = 'failed';
      state.run.error = f.message;
      await writeRunJson(opts.outDir, state.run).catch(() => undefined);
    }
    emit(ev);
    return ev;
  }
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}

/** Why --resume cannot start without last.ckpt, and what to do: best.ckpt, if there, can stand in. */
async function noLastCheckpoint(paths: ReturnType<typeof runPaths>): Promise<string> {
  if (!(await exists(paths.best)))
    return `cannot resume: ${paths.runDir} has no last checkpoint yet (the run stopped before its first epoch ended); start it again without --resume`;
  const best = await readCheckpoint(paths.best).catch(() => null);
  const when = best ? ` (from epoch ${best.epoch})` : '';
  return (
    `cannot resume: ${paths.runDir} has no last.ckpt (written after every epoch; it was deleted or lost) but has best.ckpt${when}. ` +
    `To continue from the best epoch, copy best.ckpt to last.ckpt and run --resume again; or start the run again without --resume`
  );
}

async function train(opts: TrainOptions, emit: Emit, control: RunControl, hooks: LoopHooks, state: { run: RunJson | null }): Promise<TrainEvent> {
  const log = (message: string, level: 'info' | 'warn' = 'info'): void => emit({ type: 'log', level, message });
  const paths = runPaths(opts.outDir);

  // 1. Settings and the run folder, before anything slow.
  let settings: TrainSettings;
  let resumeFrom: Checkpoint | null = null;
  let previous: RunJson | null = null;
  let projectJson = opts.project;
  if (opts.resume) {
    previous = await readRunJson(paths.runDir).catch((e: Error) => {
      throw new TrainError('nothing-to-resume', `cannot resume: ${e.message}`);
    });
    if (!(await exists(paths.last))) throw new TrainError('nothing-to-resume', await noLastCheckpoint(paths));
    settings = previous.settings;
    resumeFrom = await readCheckpoint(paths.last);
    projectJson = JSON.parse(stripBom(await fs.readFile(projectFile(paths.runDir), 'utf8'))) as TrainOptions['project'];
    log(`resuming ${paths.runDir} after epoch ${resumeFrom.epoch} of ${settings.epochs} with the run's saved settings`);
  } else {
    settings = opts.settings;
    validateSettings(settings);
    if (await exists(paths.runJson)) {
      if (!opts.overwrite)
        throw new TrainError(
          'run-exists',
          `${paths.runDir} already holds a run (run.json): pass --resume to continue it, --force to start over in it, or choose another folder with --out`,
        );
      // Starting over: the old run's files go first, so no stale best.ckpt or model.onnx outlives it.
      for (const f of [paths.runJson, paths.best, paths.last, paths.model]) await fs.rm(f, { force: true });
      log(`${paths.runDir} held a run: starting over in it (--force)`);
    }
  }
  const dataRoot = opts.dataDir || previous?.data.root || '';
  // Every sub-folder of the data folder is read as a class, so a run folder inside it would
  // become one (and its files unreadable images): refuse before creating anything.
  if (dataRoot && isInside(path.resolve(paths.runDir), path.resolve(dataRoot))) {
    throw new TrainError(
      'output-in-data',
      `the run folder ${paths.runDir} is inside the data folder ${dataRoot}, where every sub-folder is a class: choose --out outside it`,
    );
  }
  await ensureWritableFolder(paths.runDir);

  // 2. The model: validated, and its input size.
  const project = loadProject(projectJson);
  const { spec } = inputSpec(project.model);

  // 3. The data: scan, decode cache, normalisation. Problems with the folder stop here, before training.
  const backbone = previous ? null : backboneNormalisation(opts, project, spec.channels);
  if (backbone) log(`normalisation: the pretrained backbone's (mean ${backbone.mean.join(', ')}; std ${backbone.std.join(', ')}), not the folder's`);
  const dataDir = opts.dataDir || previous?.data.root || '';
  if (!dataDir) throw new TrainError('no-data', 'no dataset folder given (--data DIR)');
  let lastData = 0;
  const decodeStart = performance.now();
  const data: PreparedDataset = await prepareDataset(dataDir, {
    input: runDataSpec(spec, settings).decode,
    valSplit: settings.valSplit,
    seed: settings.seed,
    ...(opts.exclude ? { exclude: opts.exclude } : {}),
    ...(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}),
    // Cancel stops decoding between images (the cache keeps what was decoded: nothing is lost).
    signal: control.signal,
    onProgress: (p) => {
      const now = performance.now();
      if (now - lastData > 250 || p.done === p.total) {
        lastData = now;
        emit({ type: 'data', ...p, ...decodeRate(p, (now - decodeStart) / 1000) });
      }
    },
    ...(previous ? { mean: previous.preprocessing.mean, std: previous.preprocessing.std } : (backbone ?? {})),
  });
  const decodeSeconds = (performance.now() - decodeStart) / 1000;
  const decodeImagesPerSecond = data.cache.opened.decoded > 0 ? data.cache.opened.decoded / decodeSeconds : null;
  try {
    return await trainOnData(opts, emit, control, hooks, state, {
      settings,
      resumeFrom,
      previous,
      project,
      spec,
      data,
      decodeRate: decodeImagesPerSecond,
      log,
      paths,
    });
  } finally {
    await data.cache.close().catch(() => undefined);
  }
}

/** Element count of a shape. */
const elements = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * The checkpoint `file` must hold every weight, running statistic and optimizer state of the
 * model, each with the model's element count; otherwise the run cannot continue from it.
 */
function checkResumeTensors(
  c: Checkpoint,
  file: string,
  weights: readonly { name: string; shape: readonly number[] }[],
  optimizerState: readonly { name: string; shape: readonly number[] }[],
): void {
  const refuse = (what: string): never => {
    throw new TrainError(
      'bad-checkpoint',
      `cannot resume: ${file} ${what}, so it does not match this run's model; restore the file or start the run again without --resume`,
    );
  };
  for (const w of weights) {
    const v = c.weights.get(w.name) ?? c.running.get(w.name);
    if (!v) refuse(`has no weight "${w.name}"`);
    else if (v.length !== elements(w.shape)) refuse(`holds ${v.length} elements for weight "${w.name}", the model has ${elements(w.shape)}`);
  }
  for (const s of optimizerState) {
    const v = c.optimizerState.get(s.name);
    if (!v) refuse(`has no optimizer state "${s.name}"`);
    else if (v.length !== elements(s.shape)) refuse(`holds ${v.length} elements for optimizer state "${s.name}", the model has ${elements(s.shape)}`);
  }
}

interface Context {
  settings: TrainSettings;
  resumeFrom: Checkpoint | null;
  previous: RunJson | null;
  project: ReturnType<typeof loadProject>;
  spec: ReturnType<typeof inputSpec>['spec'];
  data: PreparedDataset;
  decodeRate: number | null;
  log: (message: string, level?: 'info' | 'warn') => void;
  paths: ReturnType<typeof runPaths>;
}

/** Class list and split sizes of the prepared data; refuses data a run cannot use. */
function checkData(cx: Context): { classes: string[]; trainCount: number; valCount: number } {
  const { data, previous, log } = cx;
  const classes = [...data.classes];
  if (classes.length < 2)
    throw new TrainError(
      'one-class',
      `${data.scan.root} has only one class folder (${classes[0] ?? 'none'}): a classifier needs at least two, one folder per class`,
    );
  const trainCount = data.counts.train?.reduce((a, b) => a + b, 0) ?? 0;
  const valCount = data.counts.val?.reduce((a, b) => a + b, 0) ?? 0;
  if (trainCount === 0) throw new TrainError('no-images', `${data.scan.root} has no readable training images`);
  if (previous && previous.data.classes.join('\n') !== classes.join('\n')) {
    throw new TrainError(
      'classes-changed',
      `cannot resume: the dataset's classes changed (run: ${previous.data.classes.join(', ')}; now: ${classes.join(', ')})`,
    );
  }
  for (const w of data.warnings) log(w, 'warn');
  for (const n of cacheCapNotes(data.cache.opened, readConfig().datasetCacheMaxBytes)) log(n, 'warn');
  if (data.corrupt.length > 0) {
    const shown = data.corrupt
      .slice(0, 10)
      .map((c) => `${c.path} (${c.reason})`)
      .join('; ');
    log(`skipped ${data.corrupt.length} unreadable file(s): ${shown}${data.corrupt.length > 10 ? '; ...' : ''}`, 'warn');
  }
  return { classes, trainCount, valCount };
}

/** The model for this dataset's class count and its CPU train step (the plan may pick another formulation). */
interface StepGraphs {
  doc: ModelDocument;
  /** The phase this graph trains (main/trainer/finetune.ts). */
  phase: Phase;
  batch: number;
  optimizer: OptimizerConfig;
  loss: { labelSmoothing: number } | undefined;
  stepOptions: Parameters<typeof buildStudioTrainStep>[1];
  weightDefs: ReturnType<typeof buildStudioTrainStep>['weights'];
  cpuGraph: TrainStepGraph;
  masks: ReturnType<typeof maskSpecs>;
  shapes: Map<string, number[]>;
}

function buildGraphs(cx: Context, classCount: number, trainCount: number, phase: Phase, poolRoutes: PoolRoutes): StepGraphs {
  const { settings, project, log } = cx;
  const { doc: classDoc, changed } = withClassCount(project.model, classCount);
  if (changed.length > 0 && phase === phaseOf(settings, 1)) log(`Output block class count set from the dataset (${classCount} classes): ${changed.join(', ')}`);
  const phased = phaseModel(classDoc, settings, phase);
  if (settings.freeze !== undefined || (settings.phase2Epochs ?? 0) > 0)
    log(`${(settings.phase2Epochs ?? 0) > 0 ? `phase ${phase}: ` : ''}${phased.description}`);
  const doc = phased.doc;
  const { expanded } = inputSpec(doc);
  let batch = settings.batchSize;
  if (batch > trainCount) {
    log(`batch size ${batch} is larger than the ${trainCount} training images: using ${trainCount}`, 'warn');
    batch = trainCount;
  }
  const optimizer = optimizerConfig(settings);
  const loss = settings.labelSmoothing > 0 ? { labelSmoothing: settings.labelSmoothing } : undefined;
  // The CPU graph's max pool routes as measured on this CPU (pool-routes.ts); GPU builds drop them.
  const grad = Object.keys(poolRoutes).length > 0 ? { grad: { maxPoolRoutes: poolRoutes } } : {};
  const stepOptions = { batchSize: batch, optimizer, ...(loss ? { loss } : {}), dropout: 'mask-input' as const, lrScale: phased.lrScale, ...grad };
  const built = buildStudioTrainStep(doc, stepOptions);
  const cpuGraph = built.step;
  if (cpuGraph.unusedWeights.length > 0) log(`weights that do not affect the loss (not trained): ${cpuGraph.unusedWeights.join(', ')}`, 'warn');
  const shapes = new Map<string, number[]>(built.weights.map((w) => [w.name, w.shape]));
  for (const s of cpuGraph.optimizerState) shapes.set(s.name, s.shape);
  return {
    doc,
    phase,
    batch,
    optimizer,
    loss,
    stepOptions,
    weightDefs: built.weights,
    cpuGraph,
    masks: maskSpecs(cpuGraph.extraInputs, expanded, batch),
    shapes,
  };
}

/** The model's max pool routes measured on this CPU (pool-routes.ts); none when that fails, with a warning. */
async function measuredPoolRoutes(cx: Context, trainCount: number, threads: number): Promise<PoolRoutes> {
  try {
    return await poolRoutes(cx.project.model, Math.min(cx.settings.batchSize, trainCount), { threads, log: cx.log });
  } catch (e) {
    cx.log(`max pool routes not measured (${e instanceof Error ? e.message.split('\n')[0] : String(e)}): the built-in rule decides`, 'warn');
    return {};
  }
}

/** Logs each of the plan's notes once, as the plan grows (step-plan.ts). */
class PlanLog {
  private shown = 0;
  constructor(private readonly log: Context['log']) {}
  show(p: StepPlan): StepPlan {
    for (const n of p.notes.slice(this.shown)) this.log(n.message, n.level);
    this.shown = p.notes.length;
    return p;
  }
}

/** Device selection (provider probe and self-test), then for a GPU the op-support probe: the first plan. */
async function planForDevice(cx: Context, g: StepGraphs, hooks: LoopHooks, threads: number): Promise<StepPlan> {
  const selected = await selectDevice(cx.settings.device, { probe: hooks.probe, check: hooks.providerCheck });
  if (selected.device === 'cpu') return planDevice(selected, g.cpuGraph, null);
  const dev = selected.device;
  const buildFor = (target: ProviderTarget): TrainStepGraph => buildStudioTrainStep(g.doc, { ...g.stepOptions, grad: undefined, target }).step;
  let build: ProviderBuild;
  try {
    build = { kind: 'probed', result: await buildForProvider(dev, buildFor, (s) => s.model, { threads }) };
  } catch (e) {
    const target = knownTarget(dev);
    build = { kind: 'probe-failed', error: e instanceof Error ? e.message.split('\n')[0]! : String(e), target, graph: buildFor(target) };
  }
  return planDevice(selected, g.cpuGraph, build);
}

/** Initial tensors: the checkpoint's when resuming, else seeded initialisation with any starting weights applied. */
async function initialTensors(opts: TrainOptions, cx: Context, g: StepGraphs, plan: StepPlan, freshOptimizer: boolean): Promise<Map<string, Float32Array>> {
  const { resumeFrom, paths, settings, log } = cx;
  // A checkpoint that does not fit the model is refused here, before any session or helper thread starts.
  if (resumeFrom) checkResumeTensors(resumeFrom, paths.last, g.weightDefs, freshOptimizer ? [] : plan.graph.optimizerState);
  const initial = resumeFrom ? new Map([...resumeFrom.weights, ...resumeFrom.running]) : initialWeights(g.weightDefs, settings.seed);
  const startFile = resumeFrom ? null : startingWeightsFile(opts);
  if (startFile) {
    const { loaded, keptFresh } = await applyStartingWeights(startFile, g.weightDefs, initial);
    log(
      `starting from ${loaded} tensors of ${startFile}${keptFresh.length ? `; initialised fresh (no tensor of that name and size): ${keptFresh.join(', ')}` : ''}`,
    );
  }
  return initial;
}

/** The CPU runner: shards for a small model, else one session; shards that cannot start fall back to one session. */
async function openCpuRunner(
  g: StepGraphs,
  plan: StepPlan,
  initial: Map<string, Float32Array>,
  threads: number,
  log: Context['log'],
): Promise<TrainStepRunner> {
  const session = planSession(plan, threads, (shards) => buildStudioDataParallel(g.doc, g.stepOptions, plan.graph, shards), false);
  log(session.note.message, session.note.level);
  if (!session.dataParallel) return createDeviceRunner(plan.graph, g.optimizer, initial, 'cpu', threads);
  try {
    return await createDeviceRunner(plan.graph, g.optimizer, initial, 'cpu', threads, session.dataParallel);
  } catch (e) {
    // E.g. a host without worker threads: the single session computes the same step.
    log(`data-parallel shards could not start (${(e as Error).message.split('\n')[0]}): one session, ${threads} threads`, 'warn');
    return createDeviceRunner(plan.graph, g.optimizer, initial, 'cpu', threads);
  }
}

/**
 * Executes the plan's device choice: on a GPU, the model self-test's step (whose session then
 * trains) or a fresh session; any failure moves the plan to the CPU. Returns the final plan.
 */
async function openRunner(
  cx: Context,
  g: StepGraphs,
  first: StepPlan,
  initial: Map<string, Float32Array>,
  threads: number,
  shown: PlanLog,
): Promise<{ plan: StepPlan; runner: TrainStepRunner }> {
  const { settings, data } = cx;
  if (first.device === 'cpu') return { plan: first, runner: await openCpuRunner(g, first, initial, threads, cx.log) };
  const step = { graph: first.graph, optimizer: g.optimizer, initial, extra: drawMasks(g.masks, settings.seed, 0, 0), lr: settings.lr };
  const tested = await selfTestModel(await selfTestInput(g.doc, initial, data, runDataSpec(cx.spec, settings).output), first.device, threads, step);
  let plan = first;
  if (tested.reason) plan = shown.show(onCpu(plan, g.cpuGraph, tested.reason));
  else if (tested.runner) {
    // The self-test's session trains: it was opened by the rule planSession states.
    const session = planSession(plan, threads, () => ({ reason: 'not on the CPU' }), residentOnWebgpu());
    cx.log(session.note.message, session.note.level);
    return { plan, runner: tested.runner };
  }
  if (plan.device !== 'cpu') {
    try {
      return { plan, runner: await TrainStepRunner.create(plan.graph, g.optimizer, initial, { device: plan.device, threads }) };
    } catch (e) {
      plan = shown.show(onCpu(plan, g.cpuGraph, `${plan.device} could not run the training graph: ${explainProviderError(plan.device, (e as Error).message)}`));
    }
  }
  return { plan, runner: await openCpuRunner(g, plan, initial, threads, cx.log) };
}

/** Puts the checkpoint's optimizer state and step count into a resumed run's runner. */
function resumeRunner(runner: TrainStepRunner, c: Checkpoint, file: string): void {
  for (const s of runner.graph.optimizerState) {
    const v = c.optimizerState.get(s.name);
    if (!v || v.length !== runner.state.get(s.name)!.length)
      throw new TrainError(
        'bad-checkpoint',
        `cannot resume: ${file} has no optimizer state "${s.name}" of the right size; start the run again without --resume`,
      );
    runner.state.set(s.name, v);
  }
  runner.step = c.step;
}

/** The tensors of `all` the runner does not hold (frozen weights cut out of a head step): fixed for the run. */
function fixedTensors(runner: TrainStepRunner, all: ReadonlyMap<string, Float32Array>): Map<string, Float32Array> {
  const fed = new Set([...runner.weights.keys(), ...runner.state.keys(), ...runner.constants.keys()]);
  return new Map([...all].filter(([name]) => !fed.has(name)));
}

/** On the CPU with cached features, the head step's runner; otherwise the full step's (openRunner). */
async function openPhaseRunner(
  cx: Context,
  g: StepGraphs,
  first: StepPlan,
  initial: Map<string, Float32Array>,
  threads: number,
  shown: PlanLog,
  trainCount: number,
) {
  const head = first.device === 'cpu' ? cachedHead(g.doc, g.stepOptions, cx.settings, trainCount, cx.log) : null;
  if (!head) return { ...(await openRunner(cx, g, first, initial, threads, shown)), features: null };
  const runner = await createDeviceRunner(head.step, g.optimizer, initial, 'cpu', threads);
  return { plan: { ...first, graph: head.step }, runner, features: { extractor: head.extractor, cache: null } };
}

/** Plans the step (device, session kind, why), opens it, and runs the epochs on it. */
async function trainOnData(
  opts: TrainOptions,
  emit: Emit,
  control: RunControl,
  hooks: LoopHooks,
  state: { run: RunJson | null },
  cx: Context,
): Promise<TrainEvent> {
  const { classes, trainCount, valCount } = checkData(cx);
  const startEpoch = (cx.resumeFrom?.epoch ?? 0) + 1;
  const phase = phaseOf(cx.settings, startEpoch);
  const threads = opts.threads ?? physicalCores();
  // A GPU asked for by name builds its own graph without the routes; 'auto' may still end on the CPU.
  const mayRunOnCpu = cx.settings.device === 'cpu' || cx.settings.device === 'auto';
  const g = buildGraphs(cx, classes.length, trainCount, phase, mayRunOnCpu ? await measuredPoolRoutes(cx, trainCount, threads) : {});
  const shown = new PlanLog(cx.log);
  const first = shown.show(await planForDevice(cx, g, hooks, threads));
  // A run resumed at the first epoch of phase 2 starts that phase's fresh optimizer state.
  const freshOptimizer = cx.resumeFrom !== null && phase === 2 && startEpoch === phaseStart(cx.settings, 2);
  const initial = await initialTensors(opts, cx, g, first, freshOptimizer);
  const { plan, runner, features } = await openPhaseRunner(cx, g, first, initial, threads, shown, trainCount);
  const p: Prepared = {
    classes,
    doc: g.doc,
    batch: g.batch,
    runner,
    evalSessions: null,
    masks: g.masks,
    shapes: g.shapes,
    device: plan.device,
    target: plan.target,
    fallbackReason: plan.fallbackReason,
    threads,
    trainCount,
    valCount,
    phase,
    features,
    fixed: fixedTensors(runner, initial),
  };
  // Every failure from here on releases the runner (and with it any helper threads) in `finally`.
  try {
    if (cx.resumeFrom && !freshOptimizer) resumeRunner(runner, cx.resumeFrom, cx.paths.last);
    if (valCount > 0)
      p.evalSessions = await createEvalSessions(g.doc, valCount, g.batch, {
        device: plan.device,
        threads,
        target: plan.target,
        ...(g.loss ? { loss: g.loss } : {}),
      });
    return await epochs(opts, emit, control, state, cx, p);
  } finally {
    await p.runner.session.release().catch(() => undefined);
    await p.evalSessions?.release().catch(() => undefined);
  }
}

/** A phase change (main/trainer/finetune.ts): the new phase's step, starting from the current tensors. */
async function enterPhase(e: Epochs, phase: Phase): Promise<void> {
  const { p, cx } = e;
  await p.runner.syncToHost();
  const tensors = new Map([...stepWeights(p.runner), ...stepRunning(p.runner), ...p.fixed]);
  const g = buildGraphs(cx, p.classes.length, p.trainCount, phase, p.device === 'cpu' ? await measuredPoolRoutes(cx, p.trainCount, p.threads) : {});
  const head = p.device === 'cpu' ? cachedHead(g.doc, g.stepOptions, cx.settings, p.trainCount, cx.log) : null;
  const graph = head?.step ?? (p.device === 'cpu' ? g.cpuGraph : buildStudioTrainStep(g.doc, { ...g.stepOptions, grad: undefined, target: p.target }).step);
  await p.runner.session.release();
  p.runner = await createDeviceRunner(graph, g.optimizer, tensors, p.device, p.threads);
  Object.assign(p, {
    phase,
    masks: g.masks,
    shapes: g.shapes,
    features: head ? { extractor: head.extractor, cache: null } : null,
    fixed: fixedTensors(p.runner, tensors),
  });
}

/** The frozen blocks' features of a cached phase: the extractor, and its cache once computed. */
interface PhaseFeatures {
  extractor: FeatureExtractor;
  cache: FeatureCache | null;
}

interface Prepared {
  classes: string[];
  doc: ModelDocument;
  batch: number;
  runner: TrainStepRunner;
  evalSessions: EvalSessions | null;
  masks: ReturnType<typeof maskSpecs>;
  shapes: Map<string, number[]>;
  device: TrainDevice;
  target: ProviderTarget;
  fallbackReason: string | null;
  threads: number;
  trainCount: number;
  valCount: number;
  phase: Phase;
  /** Cached backbone features (feature-cache.ts), or null: the step runs on the images. */
  features: PhaseFeatures | null;
  /** Frozen tensors the runner does not hold (cut out with the backbone): checkpoints and validation read them here. */
  fixed: Map<string, Float32Array>;
}

/** run.json for this run: the previous one when resuming (history cut to the checkpoint), else a new one. */
function runRecord(opts: TrainOptions, cx: Context, p: Prepared, stepsPerEpoch: number, pre: Preprocessing): RunJson {
  const { settings, previous, data, resumeFrom } = cx;
  const counts: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(data.counts)) if (v) counts[k] = v;
  const run: RunJson = previous ?? {
    format: 'cnn-studio-run',
    version: 1,
    createdAt: new Date().toISOString(),
    updatedAt: '',
    status: 'running',
    stoppedEarly: false,
    settings,
    projectPath: opts.projectPath ?? null,
    data: {
      root: data.scan.root,
      layout: data.scan.layout,
      valSource: data.scan.valSource,
      classes: p.classes,
      counts,
      corrupt: [...data.corrupt],
      warnings: data.warnings,
    },
    preprocessing: pre,
    device: { requested: settings.device, used: p.device, fallbackReason: p.fallbackReason },
    stepsPerEpoch,
    history: [],
    best: { epoch: 0, valAccuracy: null },
    checkpoints: { last: null, best: null, model: null },
    evaluation: null,
    error: null,
  };
  run.status = 'running';
  run.error = null;
  run.device = { requested: settings.device, used: p.device, fallbackReason: p.fallbackReason };
  run.data.corrupt = [...data.corrupt];
  if (previous) run.history = run.history.filter((h) => h.epoch <= (resumeFrom?.epoch ?? 0));
  return run;
}

/** What one epoch's steps add up to; null when the run was stopped during it. */
interface EpochSteps {
  lossSum: number;
  correct: number;
  seen: number;
  lr: number;
  seconds: number;
  /** of `seconds`, the time spent waiting for the next batch (the loader behind the step) */
  dataWaitSeconds: number;
}

/** Everything the epochs share. */
interface Epochs {
  opts: TrainOptions;
  emit: Emit;
  control: RunControl;
  cx: Context;
  p: Prepared;
  train: Loader;
  span: ScheduleSpan;
}

/** One step's input: images, or the cached features of the same samples. */
interface StepBatch {
  images: Float32Array;
  dims: number[];
  labels: BigInt64Array;
  size: number;
  step: number;
}

/** The epoch's batches: from the loader, or (cached phase) from the feature cache, built on first use. */
async function* stepBatches(e: Epochs, epoch: number): AsyncGenerator<StepBatch, void, void> {
  const f = e.p.features;
  if (!f) {
    for await (const b of e.train.epoch(epoch)) yield { images: b.images, dims: [b.size, ...e.train.shape], labels: b.labels, size: b.size, step: b.step };
    return;
  }
  if (!f.cache) {
    const { data } = e.cx;
    const source = createLoader({ cache: data.cache, split: 'train', batchSize: e.p.batch, shuffle: false, mean: data.mean, std: data.std });
    const runner = e.p.runner;
    f.cache = await FeatureCache.build(f.extractor, (n) => e.p.fixed.get(n) ?? runner.constants.get(n), source, e.p.threads);
    e.cx.log(`computed the frozen blocks' features of ${source.size} images in ${f.cache.seconds.toFixed(1)} s`);
  }
  for (const b of f.cache.epoch(e.train.order(epoch), e.p.batch))
    yield { images: b.features, dims: [b.size, ...f.cache.shape], labels: b.labels, size: b.size, step: b.step };
}

/** The schedule's span for the phase of `epoch`: each phase runs the schedule over its own epochs. */
function phaseSpan(settings: TrainSettings, epoch: number, stepsPerEpoch: number): { span: ScheduleSpan; firstEpoch: number } {
  const phase = phaseOf(settings, epoch);
  const m = settings.phase2Epochs ?? 0;
  const epochsInPhase = phase === 2 ? m : settings.epochs - m;
  return { span: { stepsPerEpoch, totalSteps: epochsInPhase * stepsPerEpoch }, firstEpoch: phaseStart(settings, phase) };
}

/** One epoch's training steps, with progress events; null if the run was cancelled in it. */
async function trainEpoch(e: Epochs, epoch: number, stepSecondsAvg: number): Promise<EpochSteps | null> {
  const { settings } = e.cx;
  const { runner, masks, classes } = e.p;
  const { stepsPerEpoch } = e.span;
  const ph = phaseSpan(settings, epoch, stepsPerEpoch);
  const progressEvery = e.opts.progressIntervalMs ?? 250;
  let lossSum = 0;
  let correct = 0;
  let seen = 0;
  let pausedMs = 0;
  let lr = 0;
  let lastProgress = 0;
  const t0 = performance.now();
  // Data wait: from the end of one step to the next batch in hand (the loader prepares batches while steps run).
  let waitMs = 0;
  let stepDone = t0;
  for await (const b of stepBatches(e, epoch)) {
    waitMs += performance.now() - stepDone;
    const g = await e.control.gate(
      () => e.emit({ type: 'paused' }),
      () => e.emit({ type: 'resumed' }),
    );
    pausedMs += g.pausedMs;
    if (g.stop) return null;
    const phaseStep = (epoch - ph.firstEpoch) * stepsPerEpoch + b.step;
    lr = learningRate(settings.schedule, settings.lr, phaseStep, ph.span);
    const r = await runner.run(b.images, b.dims, b.labels, lr, drawMasks(masks, settings.seed, epoch, b.step));
    if (!Number.isFinite(r.loss)) {
      throw new TrainError(
        'diverged',
        `the loss became ${r.loss} at epoch ${epoch}, step ${b.step + 1}: lower the learning rate (now ${lr.toPrecision(3)}) or check the data`,
      );
    }
    lossSum += r.loss * b.size;
    correct += countCorrect(r.logits, b.labels, classes.length);
    seen += b.size;
    const now = performance.now();
    const elapsed = (now - t0 - pausedMs) / 1000;
    if (now - lastProgress >= progressEvery || b.step === stepsPerEpoch - 1) {
      lastProgress = now;
      const perStep = elapsed / (b.step + 1);
      const remainingSteps = (settings.epochs - epoch) * stepsPerEpoch + (stepsPerEpoch - b.step - 1);
      e.emit({
        type: 'progress',
        epoch,
        step: b.step + 1,
        stepsPerEpoch,
        loss: r.loss,
        lr,
        imagesPerSecond: seen / Math.max(elapsed, 1e-9),
        etaSeconds: remainingSteps * (stepSecondsAvg || perStep),
      });
    }
    stepDone = performance.now();
  }
  const seconds = (performance.now() - t0 - pausedMs) / 1000;
  const dataWaitSeconds = waitMs / 1000;
  e.cx.log(
    `epoch ${epoch}: waited ${dataWaitSeconds.toFixed(2)} s for batches, ${((100 * dataWaitSeconds) / Math.max(seconds, 1e-9)).toFixed(1)}% of ${seconds.toFixed(2)} s of steps`,
  );
  return { lossSum, correct, seen, lr, seconds, dataWaitSeconds };
}

/** Best epoch so far and epochs since it (early stopping). */
interface BestSoFar {
  epoch: number;
  accuracy: number | null;
  since: number;
}

/** Best by validation accuracy; without a validation split, the latest epoch is the best. */
function updateBest(b: BestSoFar, epoch: number, valAcc: number | null): { best: BestSoFar; isBest: boolean } {
  const isBest = b.epoch === 0 || valAcc === null || (b.accuracy !== null && valAcc > b.accuracy);
  return { isBest, best: isBest ? { epoch, accuracy: valAcc, since: 0 } : { ...b, since: b.since + 1 } };
}

/** The checkpoint after `epoch`: the runner's tensors (read on the host) and the run's counters. */
function checkpointOf(
  runner: TrainStepRunner,
  fixed: ReadonlyMap<string, Float32Array>,
  seed: number,
  optimizer: TrainSettings['optimizer'],
  epoch: number,
  best: BestSoFar,
): Checkpoint {
  return {
    epoch,
    step: runner.step,
    seed,
    rng: { kind: 'seeded-per-epoch', seed, nextEpoch: epoch + 1 },
    bestEpoch: best.epoch,
    bestValAccuracy: best.accuracy,
    epochsWithoutImprovement: best.since,
    optimizer,
    weights: new Map(stepWeights(runner)),
    running: new Map([...stepRunning(runner), ...fixed]),
    optimizerState: new Map(stepGraphState(runner)),
  };
}

/** After an epoch's steps: validation, best and last checkpoints, the inference model, run.json and events. */
async function finishEpoch(
  e: Epochs,
  run: RunJson,
  pre: Preprocessing,
  val: Loader | null,
  epoch: number,
  steps: EpochSteps,
  before: BestSoFar,
): Promise<BestSoFar> {
  const { settings, paths, project, log } = e.cx;
  const { runner, evalSessions, shapes, classes, doc } = e.p;
  // Validation reads the weights on the host: refresh them when they live on the GPU.
  await runner.syncToHost();
  const lookup = (name: string): Float32Array | undefined =>
    runner.weights.get(name) ?? runner.state.get(name) ?? runner.constants.get(name) ?? e.p.fixed.get(name);
  const e0 = performance.now();
  const metrics: EvalMetrics | null =
    val && evalSessions ? await evaluateSplit(evalSessions, lookup, shapes, val, classes, e.opts.maxMisclassified ?? 1000) : null;
  const evalSeconds = (performance.now() - e0) / 1000;
  const valAcc = metrics ? metrics.accuracy : null;
  const { seen, seconds } = steps;
  const record: EpochRecord = {
    epoch,
    trainLoss: steps.lossSum / seen,
    trainAccuracy: steps.correct / seen,
    valLoss: metrics?.loss ?? null,
    valAccuracy: valAcc,
    lr: steps.lr,
    seconds,
    imagesPerSecond: seen / seconds,
    evalSeconds,
  };
  const { best, isBest } = updateBest(before, epoch, valAcc);
  const ckpt = checkpointOf(runner, e.p.fixed, settings.seed, settings.optimizer, epoch, best);
  if (isBest) {
    await writeCheckpoint(paths.best, ckpt, shapes);
    const notes = await writeInferenceModel(paths.model, doc, new Map([...ckpt.weights, ...ckpt.running]), classes, pre, project.name);
    for (const n of notes) log(n, 'warn');
    run.checkpoints.best = 'best.ckpt';
    run.checkpoints.model = 'model.onnx';
    run.best = { epoch, valAccuracy: valAcc };
    run.evaluation = metrics;
  }
  await writeCheckpoint(paths.last, ckpt, shapes);
  run.checkpoints.last = 'last.ckpt';
  run.history.push(record);
  await writeRunJson(paths.runDir, run);
  e.emit({ type: 'epoch', epochs: settings.epochs, best: isBest, ...record });
  if (isBest) e.emit({ type: 'checkpoint', kind: 'best', path: paths.best, epoch });
  e.emit({ type: 'checkpoint', kind: 'last', path: paths.last, epoch });
  return best;
}

/** The run ends as cancelled after `epoch`'s partial work: run.json says so; the last checkpoint stays. */
async function cancelRun(e: Epochs, run: RunJson, epoch: number): Promise<TrainEvent> {
  const { paths } = e.cx;
  run.status = 'cancelled';
  await writeRunJson(paths.runDir, run);
  const ev: TrainEvent = { type: 'cancelled', epoch, checkpoints: { last: run.checkpoints.last ? paths.last : null, runJson: paths.runJson } };
  e.emit(ev);
  return ev;
}

/** The epochs on the opened runner, from the first (or the one after the resumed checkpoint) to done. */
async function epochs(opts: TrainOptions, emit: Emit, control: RunControl, state: { run: RunJson | null }, cx: Context, p: Prepared): Promise<TrainEvent> {
  const { settings, spec, data, log } = cx;
  const { output: cut } = runDataSpec(spec, settings);
  const output = cut ? { output: cut } : {};
  const threadCount = loaderThreads(readConfig().loaderThreads, [spec.channels, spec.height, spec.width], Boolean(cut));
  // One pool of loader threads for training and validation batches (they never run at once).
  const pool = threadCount > 0 ? startSampleThreads(threadCount) : null;
  const threads = pool ?? 0;
  const train: Loader = createLoader({
    cache: data.cache,
    split: 'train',
    batchSize: p.batch,
    seed: settings.seed,
    augment: settings.augment,
    mean: data.mean,
    std: data.std,
    dropLast: true,
    ...output,
    // Each batch is used by one step and dropped: its arrays are recycled (no per-step allocation).
    recycle: true,
    threads,
  });
  const val: Loader | null =
    p.valCount > 0
      ? createLoader({
          cache: data.cache,
          split: 'val',
          batchSize: Math.min(p.batch, p.valCount),
          mean: data.mean,
          std: data.std,
          ...output,
          threads,
        })
      : null;
  if (pool) log(`data: ${pool.size} loader thread${pool.size === 1 ? '' : 's'} prepare batches while the step runs`);
  try {
    return await runEpochs(opts, emit, control, state, cx, p, train, val);
  } finally {
    // The loader threads end with the run, however it ends (done, cancelled, failed).
    await Promise.all([train.close(), val?.close()]);
    await pool?.close();
  }
}

/** The epochs on the opened runner with the run's loaders. */
async function runEpochs(
  opts: TrainOptions,
  emit: Emit,
  control: RunControl,
  state: { run: RunJson | null },
  cx: Context,
  p: Prepared,
  train: Loader,
  val: Loader | null,
): Promise<TrainEvent> {
  const { settings, resumeFrom, previous, project, spec, data, log, paths } = cx;
  const stepsPerEpoch = train.batchesPerEpoch;
  const e: Epochs = { opts, emit, control, cx, p, train, span: { stepsPerEpoch, totalSteps: settings.epochs * stepsPerEpoch } };
  const pre: Preprocessing = {
    inputSize: [spec.channels, spec.height, spec.width],
    colorMode: spec.channels === 1 ? 'grayscale' : 'rgb',
    resize: settings.resize,
    mean: data.mean,
    std: data.std,
  };
  const run = runRecord(opts, cx, p, stepsPerEpoch, pre);
  state.run = run;
  if (!previous) await atomicWrite(projectFile(paths.runDir), serializeProject({ ...project, model: p.doc }));
  await writeRunJson(paths.runDir, run);

  let best: BestSoFar = { epoch: resumeFrom?.bestEpoch ?? 0, accuracy: resumeFrom?.bestValAccuracy ?? null, since: resumeFrom?.epochsWithoutImprovement ?? 0 };
  const startEpoch = (resumeFrom?.epoch ?? 0) + 1;
  emit({
    type: 'start',
    runDir: paths.runDir,
    device: p.device,
    classes: p.classes,
    trainSamples: train.size,
    valSamples: val?.size ?? 0,
    stepsPerEpoch,
    epochs: settings.epochs,
    startEpoch,
    decodeImagesPerSecond: cx.decodeRate,
  });
  let stepSecondsAvg = 0;
  let stoppedEarly = false;
  let lastEpoch = startEpoch - 1;
  for (let epoch = startEpoch; epoch <= settings.epochs; epoch++) {
    if (phaseOf(settings, epoch) !== p.phase) await enterPhase(e, phaseOf(settings, epoch));
    const steps = await trainEpoch(e, epoch, stepSecondsAvg);
    if (!steps || control.cancelled) return cancelRun(e, run, epoch);
    stepSecondsAvg = steps.seconds / stepsPerEpoch;
    best = await finishEpoch(e, run, pre, val, epoch, steps, best);
    lastEpoch = epoch;
    if (settings.patience > 0 && best.since >= settings.patience && epoch < settings.epochs) {
      log(
        `early stopping: validation accuracy has not improved for ${best.since} epochs (best ${((best.accuracy ?? 0) * 100).toFixed(2)}% at epoch ${best.epoch})`,
      );
      stoppedEarly = true;
      break;
    }
  }

  run.status = 'done';
  run.stoppedEarly = stoppedEarly;
  await writeRunJson(paths.runDir, run);
  const done: TrainEvent = {
    type: 'done',
    runDir: paths.runDir,
    epochs: lastEpoch,
    stoppedEarly,
    bestEpoch: best.epoch,
    bestValAccuracy: best.accuracy,
    checkpoints: { last: paths.last, best: paths.best, model: run.checkpoints.model ? paths.model : null, runJson: paths.runJson },
    corrupt: [...data.corrupt],
  };
  emit(done);
  return done;
}

/** Up to 4 unaugmented training images for the device self-test. */
async function selfTestInput(
  doc: ModelDocument,
  weights: Map<string, Float32Array>,
  data: PreparedDataset,
  output?: RunDataSpec['output'],
): Promise<SelfTestInput> {
  const loader = createLoader({
    cache: data.cache,
    split: 'train',
    batchSize: 4,
    shuffle: false,
    mean: data.mean,
    std: data.std,
    ...(output ? { output } : {}),
  });
  const batches = loader.epoch(0);
  const first = await batches.next();
  await batches.return();
  if (first.done) throw new TrainError('no-images', 'no training images for the device self-test');
  const b = first.value;
  return { doc, weights: (n) => weights.get(n), images: b.images, dims: [b.size, ...loader.shape] };
}

function stepWeights(r: TrainStepRunner): Array<[string, Float32Array]> {
  return r.graph.weights.map((w) => [w.name, r.weights.get(w.name)!]);
}

function stepRunning(r: TrainStepRunner): Array<[string, Float32Array]> {
  const out: Array<[string, Float32Array]> = r.graph.runningState.map((s) => [s.name, r.state.get(s.name)!]);
  // Frozen weights stay constant graph inputs; the checkpoint keeps them so export and resume have every tensor.
  for (const [name, v] of r.constants) out.push([name, v]);
  return out;
}

function stepGraphState(r: TrainStepRunner): Array<[string, Float32Array]> {
  return r.graph.optimizerState.map((s) => [s.name, r.state.get(s.name)!]);
}
