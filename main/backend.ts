/**
 * The backend: implements the api contract in plain Node. Electron's IPC binding and serve mode's
 * HTTP server both call it; it imports no electron. It never trusts its caller: every payload is
 * validated again here, and paths are resolved here.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  StudioError,
  parseRequest,
  type ApiEventName,
  type ApiEvents,
  type ApiMethod,
  type ApiRequest,
  type ApiResponses,
  type DirectoryEntry,
  type RecoveryFile,
  type RunView,
  type ExecutionProviderInfo,
  type StartupState,
  type StudioApi,
  type Unsubscribe,
  type VersionInfo,
} from '../core/api';
import { STUDIO_VERSION } from '../core/version';
import { stripBom } from '../core/json-text';
import type { Project } from '../core/graph/project';
import { resolveUserPath } from './fs/user-path';
import { atomicWrite } from './fs/atomic-write';
import { FileReadError, MAX_PROJECT_BYTES, readRegularFile } from './fs/read-regular-file';
import { plainFsError } from './fs/user-paths';
import { insideInstallAssets } from './paths';
import { EventHub } from './events';
import { PretrainedService } from './studio/pretrained-service';
import { readConfig } from './config';
import { loadOrt, probeExecutionProviders } from './providers';
import { startTraining, type StartOptions, type TrainEvent, type TrainOptions } from './trainer/index';
import { scanDataset } from './studio/dataset-service';
import { clearDatasetCache, datasetCacheUsage } from './studio/dataset-cache-service';
import { augmentPreview } from './studio/augment-preview';
import { thumbnails } from './studio/images';
import { TrainingService } from './studio/training-service';
import { explainView } from './studio/explain-service';
import { LrFindService } from './studio/lr-find-service';
import { existingRunDir } from './studio/runs-folder';
import { evaluateRun } from './studio/evaluate-service';
import { DOCTOR_LOG_PREFIX } from '../core/data/doctor-report';
import { doctorExclude, doctorForRun, doctorMove, doctorUndo } from './studio/doctor-service';
import { predictImages } from './studio/predict-service';
import { exportProjectPytorch, exportRunOnnx, exportRunPytorch } from './studio/export-service';
import { trainerSettings } from './studio/run-view';
import { activationMaps, modelLayers } from './studio/activations';
import { openOnnxAsProject, sampleLocation } from './studio/start-service';
import { SettingsStore } from './studio/settings-store';

/** Turns project files into documents and back; core/graph supplies the real one. */
export interface ProjectCodec {
  /** Throws an Error whose message names the field and the problem. */
  parse(text: string): { project: Project; warnings: string[] };
  serialize(project: unknown): string;
}

export interface BackendOptions {
  host: VersionInfo['host'];
  codec: ProjectCodec;
  electronVersion?: string | null;
  probeProviders?: () => Promise<ExecutionProviderInfo[]>;
  /** Native file dialogs (Electron); absent in serve mode, where the UI asks for a path instead. */
  dialogs?: (req: ApiRequest<'chooseFile'>) => Promise<string | null>;
  /** A project to open at start (from the command line). */
  startupProject?: string | null;
  /** Per-user folder for recovery files (default: $CNN_STUDIO_HOME, else ~/.cnn-studio). */
  studioHome?: string;
  /**
   * How training runs and evaluations start: `host` picks where the trainer runs (Electron passes
   * utilityProcessHost(utilityProcess): this file never imports electron); tests pass inline.
   * Default: a worker thread.
   */
  trainStart?: StartOptions;
  /** onnxruntime threads for training (default: physical cores). */
  trainThreads?: number;
}

/** A folder listing stops here: the browser shows it, and a huge folder must not stall the UI. */
const MAX_DIR_ENTRIES = 5000;

export class Backend implements StudioApi {
  readonly events = new EventHub();
  private providers: Promise<ExecutionProviderInfo[]> | null = null;

  private readonly training: TrainingService;
  private readonly lrFinder: LrFindService;
  private readonly settings: SettingsStore;
  private readonly pretrained: PretrainedService;

  constructor(private readonly opts: BackendOptions) {
    this.lrFinder = new LrFindService(opts.trainStart ?? {});
    this.settings = new SettingsStore(path.join(this.home(), 'settings.json'));
    this.pretrained = new PretrainedService({ home: this.home(), emit: (p) => this.events.emit('pretrained', p) });
    this.training = new TrainingService({
      runsRoot: this.runsRoot(),
      cacheDir: path.join(this.home(), 'cache'),
      emit: (view) => this.events.emit('run', view),
      ...(opts.trainStart ? { start: opts.trainStart } : {}),
      ...(opts.trainThreads ? { threads: opts.trainThreads } : {}),
    });
  }

  private home(): string {
    return this.opts.studioHome ?? defaultStudioHome();
  }

  /** Every studio run lives here; the page names runs by id only. */
  runsRoot(): string {
    return path.join(this.home(), 'runs');
  }

  /**
   * The current view of every run this backend started: sent to an event listener that connects
   * (a reloaded page), so a run that ended before its connection opened is not left showing 'running'.
   */
  runViews(): RunView[] {
    return this.training.views();
  }

  /** Ends live training runs (server shutdown, tests). */
  async close(): Promise<void> {
    await this.training.close();
  }

  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): Unsubscribe {
    return this.events.subscribe((name, payload) => {
      if (name === event) listener(payload as ApiEvents[E]);
    });
  }

  /** Entry point for the carriers: validates the raw payload, then dispatches. */
  async call<M extends ApiMethod>(method: M, payload: unknown): Promise<ApiResponses[M]> {
    const req = parseRequest(method, payload);
    const fn = this[method] as (r: ApiRequest<M>) => Promise<ApiResponses[M]>;
    return fn.call(this, req);
  }

  async version(): Promise<VersionInfo> {
    let onnxruntime = 'unavailable';
    try {
      const ort = await loadOrt();
      onnxruntime = ort.env.versions.common ?? 'unknown';
    } catch {
      // Reported in detail by executionProviders; the version call must not fail for it.
    }
    return {
      studio: STUDIO_VERSION,
      onnxruntime,
      node: process.versions.node,
      electron: this.opts.electronVersion ?? null,
      platform: process.platform,
      arch: process.arch,
      host: this.opts.host,
    };
  }

  async startup(): Promise<StartupState> {
    const file = this.opts.startupProject;
    if (!file) return { project: null, error: null };
    try {
      return { project: await this.openProject({ path: file }), error: null };
    } catch (e) {
      return { project: null, error: e instanceof Error ? e.message : String(e) };
    }
  }

  async executionProviders(req: ApiRequest<'executionProviders'> = {}): Promise<ExecutionProviderInfo[]> {
    // Probing loads GPU drivers and compiles shaders: do it once per backend unless asked again.
    if (!this.providers || req.refresh) {
      const probe = this.opts.probeProviders ?? (() => probeExecutionProviders());
      this.providers = probe();
      this.providers.catch(() => {
        this.providers = null;
      });
    }
    return this.providers;
  }

  async chooseFile(req: ApiRequest<'chooseFile'>): Promise<ApiResponses['chooseFile']> {
    if (!this.opts.dialogs) return { native: false, path: null };
    return { native: true, path: await this.opts.dialogs(req) };
  }

  async listDirectory(req: ApiRequest<'listDirectory'>): Promise<ApiResponses['listDirectory']> {
    const dir = req.path && req.path.trim() ? resolveUserPath(req.path.trim()) : os.homedir();
    let dirents;
    try {
      dirents = await fs.readdir(dir, { withFileTypes: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new StudioError('not-found', `${dir}: no such folder`);
      if (code === 'ENOTDIR') throw new StudioError('not-a-folder', `${dir}: not a folder`);
      if (code === 'EACCES' || code === 'EPERM') throw new StudioError('permission-denied', `${dir}: permission denied`);
      throw new StudioError('read-failed', `${dir}: ${plainFsError(e)}`);
    }
    const visible = dirents.filter((d) => req.showHidden || !d.name.startsWith('.'));
    const entries: DirectoryEntry[] = [];
    for (const d of visible.slice(0, MAX_DIR_ENTRIES)) {
      let kind: DirectoryEntry['kind'] | null = d.isDirectory() ? 'dir' : d.isFile() ? 'file' : null;
      let size = 0;
      if (kind === 'file' || d.isSymbolicLink()) {
        // Follow links so a link to a folder browses like one; a dangling link is left out.
        const st = await fs.stat(path.join(dir, d.name)).catch(() => null);
        if (!st) continue;
        kind = st.isDirectory() ? 'dir' : st.isFile() ? 'file' : null;
        size = st.isFile() ? st.size : 0;
      }
      if (kind) entries.push({ name: d.name, kind, size });
    }
    entries.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1));
    const parent = path.dirname(dir);
    return { path: dir, parent: parent === dir ? null : parent, entries, truncated: visible.length > MAX_DIR_ENTRIES, home: os.homedir() };
  }

  async loadSettings(): Promise<ApiResponses['loadSettings']> {
    return this.settings.load();
  }

  async saveSettings(req: ApiRequest<'saveSettings'>): Promise<ApiResponses['saveSettings']> {
    try {
      return await this.settings.save(req.patch);
    } catch (e) {
      throw new StudioError('write-failed', `could not write the settings file ${this.settings.file}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private recoveryFile(): string {
    return path.join(this.home(), 'recovery', 'recovery.json');
  }

  async saveRecovery(req: ApiRequest<'saveRecovery'>): Promise<ApiResponses['saveRecovery']> {
    const file = this.recoveryFile();
    const savedAt = Date.now();
    // The same check as a project file: the recovery copy is offered back as a project, so only
    // a document the studio can open is kept (not any JSON a client sends).
    const project = this.openable(req.project, 'recovery copy not saved');
    const body: RecoveryFile = { project, path: req.path, savedAt };
    try {
      await fs.mkdir(path.dirname(file), { recursive: true });
      // Atomic: a crash while autosaving must not destroy the previous recovery copy.
      const bytes = await atomicWrite(file, JSON.stringify(body));
      return { savedAt, bytes };
    } catch (e) {
      throw new StudioError('write-failed', `recovery copy not saved: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  async loadRecovery(): Promise<ApiResponses['loadRecovery']> {
    const file = this.recoveryFile();
    let text: string;
    try {
      text = (await readRegularFile(file, { limit: MAX_PROJECT_BYTES, what: 'a recovery file' })).toString('utf8');
    } catch {
      return null;
    }
    try {
      const v = JSON.parse(stripBom(text)) as Partial<RecoveryFile> | null;
      if (!v || typeof v !== 'object' || typeof v.savedAt !== 'number' || !('project' in v)) return null;
      const project = this.openable(v.project, 'recovery copy');
      return { project, path: typeof v.path === 'string' ? v.path : null, savedAt: v.savedAt };
    } catch {
      // A torn, foreign or invalid file is not a recovery offer; the next autosave replaces it.
      return null;
    }
  }

  async clearRecovery(): Promise<ApiResponses['clearRecovery']> {
    const file = this.recoveryFile();
    const existed = await fs.stat(file).then(
      () => true,
      () => false,
    );
    await fs.rm(file, { force: true });
    return { cleared: existed };
  }

  async openProject(req: ApiRequest<'openProject'>): Promise<ApiResponses['openProject']> {
    const file = resolveUserPath(req.path);
    const text = await readProjectText(file);
    let parsed: { project: Project; warnings: string[] };
    try {
      parsed = this.opts.codec.parse(text);
    } catch (e) {
      throw new StudioError('invalid-project', `${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.events.emit('projectOpened', { path: file });
    return { path: file, project: parsed.project, warnings: parsed.warnings };
  }

  async saveProject(req: ApiRequest<'saveProject'>): Promise<ApiResponses['saveProject']> {
    const file = resolveUserPath(req.path);
    let text: string;
    try {
      // Round-trip through the parser: a document the studio could not open again is never written.
      text = this.opts.codec.serialize(req.project);
      this.opts.codec.parse(text);
    } catch (e) {
      throw new StudioError('invalid-project', `not saved to ${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (insideInstallAssets(file))
      throw new StudioError('read-only', `not saved: ${file} is part of the studio's install (its assets folder); choose another place to save it`);
    const dir = path.dirname(file);
    const st = await fs.stat(dir).catch(() => null);
    if (!st?.isDirectory()) throw new StudioError('not-found', `not saved: the folder ${dir} does not exist`);
    if ((await fs.stat(file).catch(() => null))?.isDirectory())
      throw new StudioError('not-a-file', `not saved: ${file} is a folder; give a file name (e.g. ${path.join(file, 'model.cnn.json')})`);
    try {
      const bytes = await atomicWrite(file, text);
      return { path: file, bytes };
    } catch (e) {
      throw new StudioError('write-failed', `not saved: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  async scanDataset(req: ApiRequest<'scanDataset'>): Promise<ApiResponses['scanDataset']> {
    return scanDataset({ ...req, path: resolveUserPath(req.path) });
  }

  async datasetCache(req: ApiRequest<'datasetCache'>): Promise<ApiResponses['datasetCache']> {
    return datasetCacheUsage(resolveUserPath(req.path));
  }

  async clearDatasetCache(req: ApiRequest<'clearDatasetCache'>): Promise<ApiResponses['clearDatasetCache']> {
    return clearDatasetCache(resolveUserPath(req.path));
  }

  async augmentPreview(req: ApiRequest<'augmentPreview'>): Promise<ApiResponses['augmentPreview']> {
    return augmentPreview({ ...req, path: resolveUserPath(req.path) });
  }

  async imageThumbs(req: ApiRequest<'imageThumbs'>): Promise<ApiResponses['imageThumbs']> {
    return thumbnails(
      req.paths.map((p) => resolveUserPath(p)),
      req.size ?? 48,
    );
  }

  /**
   * The same round trip as saving: the trainer and the exporters only ever see a document the
   * studio can open again; one that would not parse is refused with `refusal` and the reason.
   */
  private openable(project: unknown, refusal: string): Project {
    try {
      return this.opts.codec.parse(this.opts.codec.serialize(project)).project;
    } catch (e) {
      throw new StudioError('invalid-project', `${refusal}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  async trainStart(req: ApiRequest<'trainStart'>): Promise<ApiResponses['trainStart']> {
    const project = this.openable(req.project, 'not trained');
    const dataDir = resolveUserPath(req.dataDir);
    const st = await fs.stat(dataDir).catch(() => null);
    if (!st?.isDirectory()) throw new StudioError('not-found', `${dataDir}: no such folder`);
    await fs.mkdir(this.runsRoot(), { recursive: true });
    return this.training.start(
      { name: project.name, model: project.model, extra: project.extra },
      req.projectPath ? resolveUserPath(req.projectPath) : null,
      dataDir,
      req.settings,
    );
  }

  async trainControl(req: ApiRequest<'trainControl'>): Promise<ApiResponses['trainControl']> {
    return this.training.control(req.runId, req.action);
  }

  async listRuns(): Promise<ApiResponses['listRuns']> {
    return this.training.list();
  }

  async evaluateRun(req: ApiRequest<'evaluateRun'>): Promise<ApiResponses['evaluateRun']> {
    const dir = existingRunDir(this.runsRoot(), req.runId);
    return evaluateRun(
      req.runId,
      dir,
      { ...(req.dataDir ? { dataDir: resolveUserPath(req.dataDir) } : {}), ...(req.kept ? { kept: true } : {}) },
      path.join(this.home(), 'cache'),
      this.opts.trainStart ?? {},
    );
  }

  async doctorRun(req: ApiRequest<'doctorRun'>): Promise<ApiResponses['doctorRun']> {
    // Fold progress goes out as log events: the panel shows the latest while it waits.
    const onLog = (m: string): void => this.events.emit('log', { level: 'info', message: `${DOCTOR_LOG_PREFIX}${m}`, at: Date.now() });
    // Folds train where the studio's runs do (worker thread or utility process), not on this thread.
    const train = (options: TrainOptions): Promise<TrainEvent> => startTraining(options, this.opts.trainStart ?? {}).finished;
    const o = {
      cacheDir: path.join(this.home(), 'cache'),
      onLog,
      train,
      ...(req.folds ? { folds: req.folds } : {}),
      ...(req.epochs ? { epochs: req.epochs } : {}),
      ...(this.opts.trainThreads ? { threads: this.opts.trainThreads } : {}),
    };
    return doctorForRun(existingRunDir(this.runsRoot(), req.runId), req.dataDir ? resolveUserPath(req.dataDir) : undefined, o);
  }

  async doctorMove(req: ApiRequest<'doctorMove'>): Promise<ApiResponses['doctorMove']> {
    return doctorMove(resolveUserPath(req.dataDir), req.rel, req.toClass);
  }

  async doctorExclude(req: ApiRequest<'doctorExclude'>): Promise<ApiResponses['doctorExclude']> {
    return doctorExclude(resolveUserPath(req.dataDir), req.rel);
  }

  async doctorUndo(req: ApiRequest<'doctorUndo'>): Promise<ApiResponses['doctorUndo']> {
    return doctorUndo(resolveUserPath(req.dataDir));
  }

  async predict(req: ApiRequest<'predict'>): Promise<ApiResponses['predict']> {
    const model = 'runId' in req.source ? path.join(existingRunDir(this.runsRoot(), req.source.runId), 'model.onnx') : resolveUserPath(req.source.onnxPath);
    return predictImages(model, req.images, req.k ?? 5);
  }

  async modelLayers(req: ApiRequest<'modelLayers'>): Promise<ApiResponses['modelLayers']> {
    return modelLayers(existingRunDir(this.runsRoot(), req.runId));
  }

  async activations(req: ApiRequest<'activations'>): Promise<ApiResponses['activations']> {
    return activationMaps(existingRunDir(this.runsRoot(), req.runId), req.layer, req.image, req.maxMaps ?? 16);
  }

  async explainImage(req: ApiRequest<'explainImage'>): Promise<ApiResponses['explainImage']> {
    const model = 'runId' in req.source ? path.join(existingRunDir(this.runsRoot(), req.source.runId), 'model.onnx') : resolveUserPath(req.source.onnxPath);
    const image = 'path' in req.image ? { path: resolveUserPath(req.image.path) } : req.image;
    return explainView(model, image, { ...(req.layer ? { layer: req.layer } : {}), ...(req.classIndex === undefined ? {} : { classIndex: req.classIndex }) });
  }

  async lrFind(req: ApiRequest<'lrFind'>): Promise<ApiResponses['lrFind']> {
    const project = this.openable(req.project, 'no learning rate searched');
    const dataDir = resolveUserPath(req.dataDir);
    const st = await fs.stat(dataDir).catch(() => null);
    if (!st?.isDirectory()) throw new StudioError('not-found', `${dataDir}: no such folder`);
    const projectPath = req.projectPath ? resolveUserPath(req.projectPath) : null;
    return this.lrFinder.run(
      { name: project.name, model: project.model, extra: project.extra },
      projectPath,
      dataDir,
      req.settings,
      req.steps,
      path.join(this.home(), 'cache'),
    );
  }

  async lrFindCancel(): Promise<ApiResponses['lrFindCancel']> {
    return this.lrFinder.cancel();
  }

  async exportRunOnnx(req: ApiRequest<'exportRunOnnx'>): Promise<ApiResponses['exportRunOnnx']> {
    return exportRunOnnx(existingRunDir(this.runsRoot(), req.runId), { ...req, path: resolveUserPath(req.path) });
  }

  async exportRunPytorch(req: ApiRequest<'exportRunPytorch'>): Promise<ApiResponses['exportRunPytorch']> {
    return exportRunPytorch(existingRunDir(this.runsRoot(), req.runId), req.checkpoint, resolveUserPath(req.dir));
  }

  async exportProjectPytorch(req: ApiRequest<'exportProjectPytorch'>): Promise<ApiResponses['exportProjectPytorch']> {
    const project = this.openable(req.project, 'not exported');
    return exportProjectPytorch(project, trainerSettings(req.settings), resolveUserPath(req.dir));
  }

  async pretrainedCatalog(): Promise<ApiResponses['pretrainedCatalog']> {
    return this.pretrained.catalog();
  }

  async pretrainedPrepare(req: ApiRequest<'pretrainedPrepare'>): Promise<ApiResponses['pretrainedPrepare']> {
    return this.pretrained.prepare(req.id);
  }

  async pretrainedCancel(): Promise<ApiResponses['pretrainedCancel']> {
    return this.pretrained.cancel();
  }

  async studioSample(): Promise<ApiResponses['studioSample']> {
    return sampleLocation();
  }

  async openOnnx(req: ApiRequest<'openOnnx'>): Promise<ApiResponses['openOnnx']> {
    return openOnnxAsProject(resolveUserPath(req.path));
  }
}

function defaultStudioHome(): string {
  return readConfig().home;
}

async function readProjectText(file: string): Promise<string> {
  let buf: Buffer;
  try {
    buf = await readRegularFile(file, { limit: MAX_PROJECT_BYTES, what: 'a project file' });
  } catch (e) {
    if (e instanceof FileReadError) throw new StudioError(e.code, e.message);
    throw e;
  }
  // TextDecoder drops a leading UTF-8 BOM, as every other reader of project files does.
  const text = new TextDecoder('utf-8', { fatal: false }).decode(buf);
  if (text.includes('\u0000')) throw new StudioError('invalid-project', `${file}: binary data, not a JSON project file`);
  return text;
}
