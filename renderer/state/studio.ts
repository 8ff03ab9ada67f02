/**
 * The studio's training side: which view is shown (the model editor or a panel), the dataset,
 * the training settings, every run (kept live by the backend's `run` events) and the panels'
 * results. Runs live in the backend, so a reloaded page lists them and re-attaches to the live one.
 */
import { create } from 'zustand';
import { datasetProblem, matchModelToData } from '../studio/model-io';
import type { DatasetScan, EvalView, RunView, StudioClient, TrainSettingsInput } from '../../core/api';
import { stepCurveX } from '../../core/api';
import { DEFAULT_TRAIN_INPUT } from '../../core/train-defaults';

export type StudioView = 'model' | 'data' | 'train' | 'evaluate' | 'predict' | 'inside' | 'export';

const DATA_KEY = 'cnn-studio-dataset';
const SETTINGS_KEY = 'cnn-studio-train-settings';
/** Per tab: a reload comes back to the same step (the run itself lives in the backend). */
const VIEW_KEY = 'cnn-studio-view';
const VIEWS: readonly StudioView[] = ['model', 'data', 'train', 'evaluate', 'predict', 'inside', 'export'];

function initialView(): StudioView {
  const v = sessionStorage.getItem(VIEW_KEY);
  return VIEWS.find((x) => x === v) ?? 'model';
}

/** The trainer's defaults (core/train-defaults.ts, the same the CLI uses), shown in the form. */
export const DEFAULT_TRAIN_SETTINGS: TrainSettingsInput = { ...DEFAULT_TRAIN_INPUT };

function loadSettings(): TrainSettingsInput {
  try {
    const v = JSON.parse(localStorage.getItem(SETTINGS_KEY) ?? 'null') as Partial<TrainSettingsInput> | null;
    return v && typeof v === 'object' ? { ...DEFAULT_TRAIN_SETTINGS, ...v } : DEFAULT_TRAIN_SETTINGS;
  } catch {
    return DEFAULT_TRAIN_SETTINGS;
  }
}

export interface StepPoint {
  x: number;
  loss: number;
  lr: number;
}

export interface StudioState {
  api: StudioClient | null;
  view: StudioView;
  datasetPath: string;
  scan: DatasetScan | null;
  scanning: boolean;
  scanError: string | null;
  settings: TrainSettingsInput;
  runs: Record<string, RunView>;
  /** the run the panels show */
  currentRun: string | null;
  /** runs whose curves are drawn together */
  compare: string[];
  evaluation: EvalView | null;
  /** per-step training loss and lr of runs watched live (x: fractional epoch) */
  steps: Record<string, StepPoint[]>;
  setView(v: StudioView): void;
  setSettings(patch: Partial<TrainSettingsInput>): void;
}

export const useStudio = create<StudioState>((set, get) => ({
  api: null,
  view: initialView(),
  datasetPath: localStorage.getItem(DATA_KEY) ?? '',
  scan: null,
  scanning: false,
  scanError: null,
  settings: loadSettings(),
  runs: {},
  currentRun: null,
  compare: [],
  evaluation: null,
  steps: {},
  setView(view) {
    sessionStorage.setItem(VIEW_KEY, view);
    set({ view });
  },
  setSettings(patch) {
    const settings = { ...get().settings, ...patch };
    localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings));
    set({ settings });
  },
}));

function api(): StudioClient {
  const a = useStudio.getState().api;
  if (!a) throw new Error('not connected to the backend');
  return a;
}

/** The backend's step points where they cover more of the run than those this page collected. */
function withServerSteps(mine: StepPoint[], v: RunView): StepPoint[] {
  const theirs = v.steps;
  if (!theirs || theirs.length === 0) return mine;
  const lastMine = mine[mine.length - 1]?.x ?? -1;
  const lastTheirs = theirs[theirs.length - 1]!.x;
  return lastTheirs > lastMine || (lastTheirs === lastMine && theirs.length > mine.length) ? theirs.map((p) => ({ ...p })) : mine;
}

const isLive = (r: RunView): boolean => r.status === 'starting' || r.status === 'running' || r.status === 'paused';

/** Subscribes to run events and loads the runs list; the live run (if any) becomes current. */
export function attachStudio(client: StudioClient): () => void {
  useStudio.setState({ api: client });
  const off = client.on('run', (v) => {
    const s = useStudio.getState();
    const p = v.progress;
    // A view with its step points (a new socket's first message) restores the curve after a reload.
    const prev = withServerSteps(s.steps[v.id] ?? [], v);
    const x = p ? stepCurveX(p) : null;
    const next = p && x !== null && (prev.length === 0 || prev[prev.length - 1]!.x < x) ? [...prev, { x, loss: p.loss, lr: p.lr }] : prev;
    const steps = next === s.steps[v.id] ? s.steps : { ...s.steps, [v.id]: next };
    useStudio.setState({ runs: { ...s.runs, [v.id]: v }, currentRun: s.currentRun ?? v.id, steps });
  });
  void refreshRuns();
  // After a reload the folder chosen before is scanned again (the model is left as it is).
  const saved = useStudio.getState().datasetPath;
  if (saved) void loadDataset(saved, { adjustModel: false });
  return off;
}

export async function refreshRuns(): Promise<void> {
  const list = await api().listRuns({});
  const s = useStudio.getState();
  const runs: Record<string, RunView> = {};
  // An event may have arrived while listing: the pushed view is newer.
  for (const r of list) runs[r.id] = s.runs[r.id] ?? r;
  const live = list.find(isLive);
  const steps = { ...s.steps };
  for (const r of list) if (r.steps?.length) steps[r.id] = withServerSteps(steps[r.id] ?? [], r);
  useStudio.setState({ runs: { ...runs, ...s.runs }, currentRun: s.currentRun ?? live?.id ?? list[0]?.id ?? null, steps });
}

export async function loadDataset(path: string, opts: { adjustModel?: boolean } = {}): Promise<void> {
  const p = path.trim();
  if (!p) return;
  localStorage.setItem(DATA_KEY, p);
  useStudio.setState({ datasetPath: p, scanning: true, scanError: null });
  try {
    const scan = await api().scanDataset({ path: p, valSplit: useStudio.getState().settings.valSplit });
    useStudio.setState({ scan, scanning: false });
    // The Output block's class count follows the dataset (one undoable edit), unless the dataset
    // cannot be trained on: one class or none says the folder is wrong, not the model.
    if (opts.adjustModel !== false && datasetProblem(scan) === null) matchModelToData({ classes: scan.classes.length });
  } catch (e) {
    useStudio.setState({ scan: null, scanning: false, scanError: e instanceof Error ? e.message : String(e) });
  }
}

export async function startRun(project: unknown, projectPath: string | null): Promise<RunView> {
  const s = useStudio.getState();
  const dataDir = s.scan?.root ?? s.datasetPath;
  const run = await api().trainStart({ project, projectPath, dataDir, settings: s.settings });
  const now = useStudio.getState();
  // A pushed event may already be newer than the start answer.
  useStudio.setState({ runs: { [run.id]: now.runs[run.id] ?? run, ...now.runs }, currentRun: run.id, evaluation: null });
  return run;
}

export async function controlRun(action: 'pause' | 'resume' | 'stop'): Promise<void> {
  const id = useStudio.getState().currentRun;
  if (id) await api().trainControl({ runId: id, action });
}

export function currentRunView(s: StudioState): RunView | null {
  return s.currentRun ? (s.runs[s.currentRun] ?? null) : null;
}

export function isRunLive(r: RunView | null): boolean {
  return r !== null && isLive(r);
}
