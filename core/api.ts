/**
 * The contract between the UI and the backend, declared once. Three carriers implement it — the
 * Electron preload (contextBridge), the IPC binding in main, and the browser client of serve mode —
 * and the renderer never learns which one it has.
 *
 * Every method takes one JSON payload and returns a promise of a JSON value. Payload schemas are
 * zod, so each carrier validates what crosses a process boundary with the same rule.
 */
import { z } from 'zod';
import { describeSystemError, isSystemError } from './fs-error-text';
import type { Project } from './graph/project';
import type { EvalMetrics } from './train/metrics';
import type { DatasetEditResult, DoctorReport } from './data/doctor-report';
import { MAX_OPSET, MIN_EXPORT_OPSET } from './onnx/validate';
import type { DeployReport } from './deploy/report';
import { API_EVENT_NAMES, API_METHOD_NAMES, type ApiEventNameLiteral, type ApiMethodName } from './api-names';

export const EXECUTION_PROVIDERS = ['cpu', 'cuda', 'tensorrt', 'dml', 'coreml', 'webgpu'] as const;
export type ExecutionProviderName = (typeof EXECUTION_PROVIDERS)[number];

export interface VersionInfo {
  studio: string;
  onnxruntime: string;
  node: string;
  electron: string | null;
  platform: string;
  arch: string;
  /** 'electron' or 'serve': which carrier the backend runs under. */
  host: 'electron' | 'serve' | 'test';
}

export interface ExecutionProviderInfo {
  name: ExecutionProviderName;
  label: string;
  /** Offered by the installed onnxruntime-node on this OS. */
  offered: boolean;
  /** A session actually loaded with it here. */
  available: boolean;
  /** Why it did not load (the runtime's own error text), or why it is not offered. */
  reason: string | null;
  /** Milliseconds the load test took. */
  probeMs: number | null;
  /**
   * The adapter or device it runs on, e.g. "NVIDIA H100 80GB HBM3 (driver 550.54.15)" or
   * "lavapipe (Mesa's software Vulkan on the CPU)"; "unknown (...)" where the host does not tell.
   */
  adapter?: string;
  /** true: a software adapter emulating a GPU on the CPU (slower than the CPU provider); null: unknown. */
  software?: boolean | null;
  /** The reference self-test against the CPU, where one ran (or a cached verdict). */
  selfTest?: ProviderSelfTest | null;
}

export interface ProviderSelfTest {
  passed: boolean;
  /** The layout that passed: 'default' (the provider's own, NHWC for WebGPU) or 'NCHW'; null when refused. */
  layout: 'default' | 'NCHW' | null;
  /** Largest absolute difference from the CPU seen (the passing layout's, or the worst when refused). */
  maxDiff: number | null;
  /** What happened, for the user: agreement, the NCHW cure, or why it is refused. */
  message: string;
  /** A verdict from the cache (same provider, driver and onnxruntime version). */
  cached: boolean;
  ms: number;
}

export interface OpenedProject {
  path: string;
  /** The validated project document. */
  project: Project;
  /** Non-fatal notes, e.g. a migration from an older file version. */
  warnings: string[];
}

export interface SavedProject {
  path: string;
  bytes: number;
}

const filePath = z.string().min(1, 'a file path is required').max(4096, 'the path is longer than 4096 characters');

/** A run is named by its folder inside the studio's runs folder; the backend resolves the path. */
/** An image path relative to a dataset folder (the backend confines it to the folder). */
const datasetRel = z.string().min(1, 'an image path is required').max(4096, 'the path is longer than 4096 characters');
const runIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/, 'not a run id');

/** An image the page holds (dropped or picked): its name and its bytes as base64. */
const uploadedImage = z
  .object({
    name: z.string().min(1).max(400),
    data: z
      .string()
      .min(1)
      .max(16 * 1024 * 1024),
  })
  .strict();

export const OPTIMIZERS = ['sgd', 'adam', 'adamw'] as const;
export const SCHEDULES = ['constant', 'step', 'cosine', 'onecycle'] as const;
/** Declared with the other training defaults (train-defaults.ts); exported here too for the UI's existing imports. */
export { DEFAULT_LR } from './train-defaults';
export const TRAIN_DEVICES = ['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu'] as const;

/** The training panel's settings; the backend fills the rest with the trainer's defaults. */
export const trainSettingsSchema = z
  .object({
    epochs: z.number().int().min(1).max(10000),
    batchSize: z.number().int().min(1).max(4096),
    optimizer: z.enum(OPTIMIZERS),
    lr: z.number().positive().max(10),
    schedule: z.enum(SCHEDULES),
    weightDecay: z.number().min(0).max(1),
    labelSmoothing: z.number().min(0).max(0.99),
    /** a preset's name (core/train-defaults.ts AUGMENT_PRESETS); true/false: light/none, as saved by earlier versions */
    augment: z.union([z.boolean(), z.enum(['light', 'imagenet', 'none'])]),
    device: z.enum(TRAIN_DEVICES),
    valSplit: z.number().min(0).max(0.9),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31),
    /** 'none', 'backbone' or a block name (main/trainer/finetune.ts); absent: the project's frozen blocks */
    freeze: z.string().min(1).max(200).optional(),
    /** the run's last N epochs unfreeze the last frozen stage (two-phase fine-tuning) */
    phase2Epochs: z.number().int().min(0).max(10000).optional(),
    /** phase 2 trains this block and those after it (default: the last frozen block with parameters) */
    phase2Unfreeze: z.string().min(1).max(200).optional(),
    /** phase 2's learning-rate multiplier for the unfrozen blocks */
    phase2LrScale: z.number().positive().max(10).optional(),
  })
  .strict();
export type TrainSettingsInput = z.infer<typeof trainSettingsSchema>;

/**
 * What the studio remembers between sessions, kept by the backend (not the browser's storage, which
 * is per origin: serve mode on a new port would start blank). Train settings are per project file
 * (`''` for an unsaved one); each entry is validated when read.
 */
export const studioSettingsSchema = z
  .object({
    theme: z.enum(['light', 'dark']).optional(),
    recent: z
      .array(z.object({ path: z.string().max(4096), at: z.number() }).strict())
      .max(10)
      .optional(),
    datasetPath: z.string().max(4096).optional(),
    trainSettings: z.record(z.string().max(4096), z.record(z.string().max(64), z.unknown())).optional(),
  })
  .strict();
export type StudioSettings = z.infer<typeof studioSettingsSchema>;

/** Request payload schemas, one per method. */
export const requestSchemas = {
  version: z.object({}).strict(),
  startup: z.object({}).strict(),
  executionProviders: z.object({ refresh: z.boolean().optional() }).strict(),
  openProject: z.object({ path: filePath }).strict(),
  saveProject: z.object({ path: filePath, project: z.unknown() }).strict(),
  chooseFile: z
    .object({
      mode: z.enum(['open', 'save', 'folder']),
      title: z.string().max(200).optional(),
      defaultPath: z.string().max(4096).optional(),
      filters: z
        .array(z.object({ name: z.string().max(100), extensions: z.array(z.string().max(20)).max(20) }))
        .max(20)
        .optional(),
    })
    .strict(),
  /** Serve mode's file browser: a folder's entries (no path: the user's home folder). */
  listDirectory: z.object({ path: z.string().max(4096).optional(), showHidden: z.boolean().optional() }).strict(),
  /** Autosave: one recovery file per user, replaced on every save. */
  saveRecovery: z.object({ project: z.unknown(), path: z.string().max(4096).nullable() }).strict(),
  loadRecovery: z.object({}).strict(),
  clearRecovery: z.object({}).strict(),
  /** Dataset panel: a folder's classes, counts, thumbnails, warnings and unreadable files. */
  scanDataset: z.object({ path: filePath, valSplit: z.number().min(0).max(0.9).optional() }).strict(),
  /** Dataset panel: how much of the decoded-image cache a folder uses, and all datasets together. */
  datasetCache: z.object({ path: filePath }).strict(),
  /** Removes a folder's decoded images from the cache (never the images themselves). */
  clearDatasetCache: z.object({ path: filePath }).strict(),
  /** Train tab: a few of the folder's images through the trainer's augmentation, one column per epoch. */
  augmentPreview: z
    .object({
      path: filePath,
      augment: z.union([z.boolean(), z.enum(['light', 'imagenet', 'none'])]),
      resize: z.enum(['stretch', 'center-crop', 'letterbox']).optional(),
      input: z
        .object({ channels: z.union([z.literal(1), z.literal(3)]), height: z.number().int().min(1).max(1024), width: z.number().int().min(1).max(1024) })
        .strict(),
      seed: z
        .number()
        .int()
        .min(0)
        .max(2 ** 31),
      images: z.number().int().min(1).max(8),
      epochs: z.number().int().min(1).max(8),
    })
    .strict(),
  /** Small previews of image files (evaluation mistakes, samples). */
  imageThumbs: z.object({ paths: z.array(filePath).max(200), size: z.number().int().min(16).max(256).optional() }).strict(),
  trainStart: z
    .object({ project: z.unknown(), projectPath: z.string().max(4096).nullable().optional(), dataDir: filePath, settings: trainSettingsSchema })
    .strict(),
  trainControl: z.object({ runId: runIdSchema, action: z.enum(['pause', 'resume', 'stop']) }).strict(),
  /** Every run in the studio's runs folder, newest first (the live one included). */
  listRuns: z.object({}).strict(),
  /**
   * kept: the evaluation the run kept when it ended (its best epoch on the validation images), when
   * it has one; otherwise, and without it, the run's best checkpoint is evaluated now.
   */
  evaluateRun: z.object({ runId: runIdSchema, dataDir: z.string().max(4096).optional(), kept: z.boolean().optional() }).strict(),
  predict: z
    .object({
      source: z.union([z.object({ runId: runIdSchema }).strict(), z.object({ onnxPath: filePath }).strict()]),
      images: z.array(uploadedImage).min(1).max(32),
      k: z.number().int().min(1).max(20).optional(),
    })
    .strict(),
  /** Conv layers of a run's model whose outputs can be shown as activation maps (named by block), and a sample image. */
  modelLayers: z.object({ runId: runIdSchema }).strict(),
  activations: z
    .object({ runId: runIdSchema, layer: z.string().min(1).max(400), image: uploadedImage, maxMaps: z.number().int().min(1).max(64).optional() })
    .strict(),
  /** Grad-CAM of one image (an upload, or a file such as a dataset image) for a conv layer and class (defaults: last conv, predicted class). */
  explainImage: z
    .object({
      source: z.union([z.object({ runId: runIdSchema }).strict(), z.object({ onnxPath: filePath }).strict()]),
      image: z.union([z.object({ upload: uploadedImage }).strict(), z.object({ path: filePath }).strict()]),
      layer: z.string().min(1).max(400).optional(),
      classIndex: z.number().int().min(0).max(100_000).optional(),
    })
    .strict(),
  /** The learning-rate range test for a project and dataset with the Train tab's settings; nothing is written. */
  lrFind: z
    .object({
      project: z.unknown(),
      projectPath: z.string().max(4096).nullable().optional(),
      dataDir: filePath,
      settings: trainSettingsSchema,
      steps: z.number().int().min(5).max(1000).optional(),
    })
    .strict(),
  /** Stops a running lrFind after its current step (it then returns the curve so far). */
  lrFindCancel: z.object({}).strict(),
  exportRunOnnx: z
    .object({
      runId: runIdSchema,
      checkpoint: z.enum(['best', 'last']),
      opset: z.number().int().min(MIN_EXPORT_OPSET).max(MAX_OPSET),
      path: filePath,
      modelName: z.string().max(200).optional(),
      description: z.string().max(2000).optional(),
      author: z.string().max(200).optional(),
      /** fp32 (default), int8 (static QDQ calibrated on the run's training images) or fp16. */
      precision: z.enum(['fp32', 'int8', 'fp16']).optional(),
    })
    .strict(),
  exportRunPytorch: z.object({ runId: runIdSchema, checkpoint: z.enum(['best', 'last']), dir: filePath }).strict(),
  /** The model in the editor (no run yet) as a PyTorch project with the training panel's recipe. */
  exportProjectPytorch: z.object({ project: z.unknown(), settings: trainSettingsSchema, dir: filePath }).strict(),
  /** The bundled example: a project file and its image folder (null where not installed). */
  studioSample: z.object({}).strict(),
  /** An ONNX file imported as a new, unsaved project (start screen's "open an ONNX file"). */
  openOnnx: z.object({ path: filePath }).strict(),
  loadSettings: z.object({}).strict(),
  /** Merges these keys into the stored settings; `trainSettings` entries merge per project. */
  saveSettings: z.object({ patch: studioSettingsSchema }).strict(),
  /** The data doctor: suspected label errors, near-duplicates, outliers of `dataDir` (default: the run's data), judged with a run. */
  doctorRun: z
    .object({
      runId: runIdSchema,
      dataDir: filePath.optional(),
      folds: z.number().int().min(2).max(10).optional(),
      epochs: z.number().int().min(1).max(50).optional(),
    })
    .strict(),
  /** Moves one image (path relative to the dataset folder) into another class folder; journalled, undoable. */
  doctorMove: z.object({ dataDir: filePath, rel: datasetRel, toClass: z.string().min(1).max(255) }).strict(),
  /** Adds one image to the dataset's exclusion list (.cnn-studio-exclude); journalled, undoable. */
  doctorExclude: z.object({ dataDir: filePath, rel: datasetRel }).strict(),
  /** Reverses the latest move or exclusion in the dataset's journal. */
  doctorUndo: z.object({ dataDir: filePath }).strict(),
  /** The pretrained backbones (core/pretrained/catalog) with CPU latency and whether each is cached. */
  pretrainedCatalog: z.object({}).strict(),
  /** Downloads (or finds cached) a backbone's weights and writes its project; progress comes as `pretrained` events. */
  pretrainedPrepare: z.object({ id: z.string().min(1).max(64) }).strict(),
  /** Cancels the download in progress (its .part is kept for a resume). */
  pretrainedCancel: z.object({}).strict(),
} as const;

export type ApiMethod = keyof typeof requestSchemas;
export const API_METHODS: readonly ApiMethod[] = API_METHOD_NAMES;

// Both directions: a schema without a name, or a name without a schema, fails to compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const methodNamesMatch: Same<ApiMethod, ApiMethodName> = true;
void methodNamesMatch;

export type ApiRequest<M extends ApiMethod> = z.infer<(typeof requestSchemas)[M]>;

export interface StartupState {
  /** The project named on the command line (`cnn-studio serve PROJECT`, or a file opened with the app). */
  project: OpenedProject | null;
  /** Why that project could not be opened. */
  error: string | null;
}

/** `path` is null when the person cancelled. Serve mode has no native dialog: `native` is false there. */
export interface ChosenFile {
  native: boolean;
  path: string | null;
}

export interface DirectoryEntry {
  name: string;
  kind: 'dir' | 'file';
  /** Bytes for files, 0 for folders. */
  size: number;
}

export interface DirectoryListing {
  /** The absolute folder listed. */
  path: string;
  /** Its parent, or null at a filesystem root. */
  parent: string | null;
  /** Folders first, then files, each sorted by name. */
  entries: DirectoryEntry[];
  /** True when the folder had more entries than are listed. */
  truncated: boolean;
  /** The user's home folder: where `~` points, so shown paths can abbreviate it. */
  home: string;
}

/** An autosaved document: what the editor had when it last wrote the recovery file. */
export interface RecoveryFile {
  project: unknown;
  /** The file the document belonged to, or null for an unsaved one. */
  path: string | null;
  /** Milliseconds since the epoch. */
  savedAt: number;
}

export interface DatasetClass {
  name: string;
  /** images per split */
  train: number;
  val: number;
  test: number;
  /** a few small data: URLs */
  thumbs: string[];
}

export interface DatasetScan {
  root: string;
  layout: 'class-folders' | 'split-folders';
  valSource: 'val-folder' | 'test-folder' | 'stratified' | 'none';
  classes: DatasetClass[];
  total: number;
  warnings: string[];
  /** files that could not be read, with why */
  corrupt: { path: string; reason: string }[];
  /** of the first readable image: what the Input block should take */
  sample: { width: number; height: number; channels: 1 | 3 } | null;
}

export type RunStatus = 'starting' | 'running' | 'paused' | 'done' | 'cancelled' | 'failed';

export interface RunEpoch {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
  lr: number;
  seconds: number;
  imagesPerSecond: number;
}

export interface RunProgress {
  epoch: number;
  step: number;
  stepsPerEpoch: number;
  loss: number;
  lr: number;
  imagesPerSecond: number;
  etaSeconds: number;
}

/** One training run as the panel shows it; pushed whole on every change (it is small). */
export interface RunView {
  id: string;
  name: string;
  /** the run folder on the backend's machine (run.json, checkpoints, model.onnx); default place for exports */
  dir?: string;
  status: RunStatus;
  createdAt: string;
  dataDir: string;
  settings: TrainSettingsInput;
  device: string | null;
  classes: string[];
  trainSamples: number;
  valSamples: number;
  epochs: number;
  history: RunEpoch[];
  progress: RunProgress | null;
  bestEpoch: number | null;
  bestValAccuracy: number | null;
  /** model.onnx exists (predict and export can use it) */
  hasModel: boolean;
  error: string | null;
  /** the latest log lines (info and warnings) */
  log: string[];
  /**
   * Per-step training loss and learning rate so far (x = epochs done, fractional), thinned to at
   * most RUN_STEP_POINTS: in list answers and a new event socket's first message, so a reloaded
   * page redraws the step curve; live events leave it out and carry `progress` instead.
   */
  steps?: RunStepPoint[];
}

export interface RunStepPoint {
  x: number;
  loss: number;
  lr: number;
}

/** Most step points a run view carries (older ones are thinned, every other one dropped). */
export const RUN_STEP_POINTS = 600;

/** A step's place on the step curve's x axis: epochs done, fractional (RunStepPoint.x). */
export function stepCurveX(p: { epoch: number; step: number; stepsPerEpoch: number }): number {
  return p.epoch - 1 + p.step / Math.max(1, p.stepsPerEpoch);
}

export interface EvalView extends EvalMetrics {
  runId: string;
  dataDir: string;
  split: string;
  classes: string[];
  /** data: URL per shown path (the first few hundred mistakes, and the unsure correct ones) */
  thumbs: Record<string, string>;
}

export interface PredictResult {
  name: string;
  /** top-k, most likely first */
  top: { label: string; probability: number }[];
  error: string | null;
}

export interface LayerInfo {
  name: string;
  /** [C, H, W] of its output */
  shape: number[];
}

/** An image as the backend takes it (name and base64 bytes), with its MIME type for showing it. */
export interface SampleImage {
  name: string;
  data: string;
  mime: string;
}

/** The conv layers of a run's model, and one of its dataset's images to look at them with. */
export interface ModelLayers {
  layers: LayerInfo[];
  sample: SampleImage | null;
}

/** Grad-CAM of one image: the map at the layer's resolution and the image with the map drawn on it. */
export interface ExplainView {
  class: number;
  label: string;
  layer: string;
  /** Every conv layer of the model, first to last. */
  layers: string[];
  /** ReLU(sum_c alpha_c A_c), rows top to bottom, not normalised. */
  heatmap: number[][];
  probabilities: number[];
  classes: string[];
  /** data: URL of a PNG: the image as the model saw it with the map blended on top. */
  overlay: string;
}

/** A learning-rate range test: the smoothed loss per learning rate and the suggested rate. */
export interface LrFindView {
  curve: { lr: number; loss: number }[];
  suggestion: number | null;
  stopped: 'end' | 'diverged' | 'cancelled';
  batchSize: number;
}

export interface ActivationMaps {
  layer: string;
  shape: number[];
  /** one grayscale PNG data: URL per channel (up to maxMaps) */
  maps: string[];
}

export interface ExportedFile {
  path: string;
  bytes: number;
  warnings: string[];
  /** The deploy report written beside the file (`<path>.report.json`), ONNX exports only. */
  report?: DeployReport;
}

/** The decode cache as the Dataset panel shows it (main/data/cache-admin.ts). */
export interface DatasetCacheUsage {
  /** the cache folder */
  dir: string;
  /** bytes of this dataset's caches (one per input size and resize policy) */
  datasetBytes: number;
  /** input sizes this dataset is cached at, e.g. "3x224x224 center-crop" */
  inputs: string[];
  /** bytes of every dataset's caches together */
  totalBytes: number;
  /** CNN_STUDIO_CACHE_MAX */
  capBytes: number;
}

/** Each previewed image with one tile (a PNG data URL) per epoch, as the model sees it. */
export interface AugmentPreviewResult {
  images: Array<{ path: string; label: string; tiles: string[] }>;
}

export interface ApiResponses {
  version: VersionInfo;
  startup: StartupState;
  executionProviders: ExecutionProviderInfo[];
  openProject: OpenedProject;
  saveProject: SavedProject;
  chooseFile: ChosenFile;
  listDirectory: DirectoryListing;
  saveRecovery: { savedAt: number; bytes: number };
  loadRecovery: RecoveryFile | null;
  clearRecovery: { cleared: boolean };
  scanDataset: DatasetScan;
  imageThumbs: Record<string, string>;
  trainStart: RunView;
  trainControl: RunView;
  listRuns: RunView[];
  evaluateRun: EvalView;
  predict: PredictResult[];
  modelLayers: ModelLayers;
  activations: ActivationMaps;
  explainImage: ExplainView;
  lrFind: LrFindView;
  lrFindCancel: { cancelled: boolean };
  exportRunOnnx: ExportedFile;
  exportRunPytorch: { dir: string; files: string[]; warnings: string[] };
  exportProjectPytorch: { dir: string; files: string[]; warnings: string[] };
  studioSample: { projectPath: string; dataDir: string } | null;
  openOnnx: { project: Project; warnings: string[] };
  loadSettings: StudioSettings;
  saveSettings: StudioSettings;
  datasetCache: DatasetCacheUsage;
  augmentPreview: AugmentPreviewResult;
  clearDatasetCache: DatasetCacheUsage;
  doctorRun: DoctorReport;
  doctorMove: DatasetEditResult;
  doctorExclude: DatasetEditResult;
  doctorUndo: DatasetEditResult;
  pretrainedCatalog: PretrainedCatalogRow[];
  pretrainedPrepare: { projectPath: string; label: string };
  pretrainedCancel: { cancelled: boolean };
}

/** One backbone as the start screen's picker shows it. */
export interface PretrainedCatalogRow {
  id: string;
  label: string;
  sizeMiB: number;
  top1: number;
  params: number;
  gmacs: number;
  /** Median ms per image on this project's reference CPU (see latencyNote), null where not measured. */
  cpuLatencyMs: number | null;
  latencyNote: string;
  /** False while the studio has no template for it ("template pending"). */
  available: boolean;
  cached: boolean;
  terms: string;
}

/** Download progress of pretrained weights, for the start screen's bar. */
export interface PretrainedProgress {
  id: string;
  state: 'downloading' | 'writing' | 'done' | 'failed' | 'cancelled';
  received: number;
  total: number | null;
  message?: string;
}

export type StudioApi = { [M in ApiMethod]: (req: ApiRequest<M>) => Promise<ApiResponses[M]> };

/** Events the backend pushes to the UI. */
export interface ApiEvents {
  log: { level: 'info' | 'warn' | 'error'; message: string; at: number };
  projectOpened: { path: string };
  /** A command from the native application menu, handled by the renderer. */
  menu: { command: MenuCommand };
  /** A training run changed (progress, an epoch, a log line, its end): the whole view. */
  run: RunView;
  /** Download progress of a pretrained backbone (pretrainedPrepare). */
  pretrained: PretrainedProgress;
}

export const MENU_COMMANDS = ['new', 'open', 'save', 'saveAs', 'undo', 'redo', 'fitView', 'autoLayout', 'shortcuts', 'about'] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];
export type ApiEventName = keyof ApiEvents;
export const API_EVENTS: readonly ApiEventName[] = API_EVENT_NAMES;
const eventNamesMatch: Same<ApiEventName, ApiEventNameLiteral> = true;
void eventNamesMatch;

export type Unsubscribe = () => void;

/** What the renderer holds: the methods plus event subscription. */
export interface StudioClient extends StudioApi {
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): Unsubscribe;
}

/**
 * An error a user can act on, carried across every boundary as `{code, message}`. `code` is
 * stable for tests and UI logic; `message` names the file, node or parameter at fault.
 */
export class StudioError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'StudioError';
  }
}

export interface WireError {
  code: string;
  message: string;
}

export function toWireError(e: unknown): WireError {
  if (e instanceof StudioError) return { code: e.code, message: e.message };
  if (e instanceof z.ZodError) return { code: 'invalid-request', message: formatZodError(e) };
  // A file-system error no service put into words still reaches the page plainly, with its path.
  if (isSystemError(e)) return { code: 'file-error', message: describeSystemError(e) };
  return { code: 'internal', message: e instanceof Error ? e.message : String(e) };
}

/** "path.to.field: problem; other.field: problem" — names every offending field. */
export function formatZodError(e: z.ZodError): string {
  return e.issues.map((i) => `${i.path.length ? i.path.map(String).join('.') : '(payload)'}: ${i.message}`).join('; ');
}

/** Validates a payload for `method`, throwing a StudioError that names the field. */
export function parseRequest<M extends ApiMethod>(method: M, payload: unknown): ApiRequest<M> {
  const schema = requestSchemas[method];
  const r = schema.safeParse(payload ?? {});
  if (!r.success) throw new StudioError('invalid-request', `${method}: ${formatZodError(r.error)}`);
  return r.data as ApiRequest<M>;
}

export function isApiMethod(name: string): name is ApiMethod {
  return Object.prototype.hasOwnProperty.call(requestSchemas, name);
}
