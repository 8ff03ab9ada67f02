/**
 * New / open / save / save as / recent / templates / recovery. Native dialogs where the carrier
 * has them (Electron); serve mode answers `native: false` and the UI shows its own path field
 * with folder browsing instead.
 */
import { create } from 'zustand';
import type { StudioClient } from '../../core/api';
import { buildTemplate } from '../../core/templates/index';
import type { ModelDocument } from '../../core/graph/types';
import { layoutPositions } from '../editor/use-auto-layout';
import { useDoc, EMPTY_DOC, isDirty } from './document';
import { drawingNeedsLayout } from './placement';
import { baseName, fromWire, toProject, useProjectMeta } from './project';
import { useUi } from './ui';

const RECENT_KEY = 'cnn-studio-recent';
const RECENT_MAX = 10;
export const PROJECT_FILTERS = [{ name: 'CNN Studio project', extensions: ['json'] }];

export interface RecentFile {
  path: string;
  at: number;
}

interface FilesState {
  api: StudioClient | null;
  recent: RecentFile[];
  busy: string | null;
  /** A dialog of serve mode's own, for when there is no native one. */
  browse: { mode: 'open' | 'save'; start: string | null } | null;
  /** An action waiting for "discard unsaved changes?". */
  confirm: { text: string; run: () => void } | null;
  recovery: { path: string | null; savedAt: number; project: unknown } | null;
}

function loadRecent(): RecentFile[] {
  try {
    const v = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]') as unknown;
    return Array.isArray(v)
      ? v.filter((r): r is RecentFile => typeof r === 'object' && r !== null && typeof (r as RecentFile).path === 'string').slice(0, RECENT_MAX)
      : [];
  } catch {
    return [];
  }
}

export const useFiles = create<FilesState>(() => ({ api: null, recent: loadRecent(), busy: null, browse: null, confirm: null, recovery: null }));

function api(): StudioClient {
  const a = useFiles.getState().api;
  if (!a) throw new Error('not connected to the backend');
  return a;
}

function remember(path: string): void {
  const recent = [{ path, at: Date.now() }, ...useFiles.getState().recent.filter((r) => r.path !== path)].slice(0, RECENT_MAX);
  localStorage.setItem(RECENT_KEY, JSON.stringify(recent));
  useFiles.setState({ recent });
}

export function forgetRecent(path: string): void {
  const recent = useFiles.getState().recent.filter((r) => r.path !== path);
  localStorage.setItem(RECENT_KEY, JSON.stringify(recent));
  useFiles.setState({ recent });
}

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Runs `run` now, or after the person agrees to drop unsaved changes. */
export function guardUnsaved(what: string, run: () => void): void {
  if (!isDirty(useDoc.getState())) return run();
  useFiles.setState({ confirm: { text: `${what} and discard the unsaved changes to “${useProjectMeta.getState().name}”?`, run } });
}

/** Positions from a builder or an old file may overlap; lay them out before showing. */
async function arranged(doc: ModelDocument): Promise<ModelDocument> {
  if (doc.nodes.length < 2) return doc;
  return (await layoutPositions(doc)).doc;
}

/**
 * An opened project as it will be shown: laid out top to bottom (as L does) when its drawing is
 * unreadable as stored (no positions, blocks on top of each other, a horizontal strip), else as
 * stored. The layout is a view change: the project opens unmodified.
 */
export async function readable(doc: ModelDocument): Promise<ModelDocument> {
  return drawingNeedsLayout(doc) ? arranged(doc) : doc;
}

export function newDocument(): void {
  guardUnsaved('Start a new model', () => {
    useProjectMeta.getState().set('Untitled', {});
    useDoc.getState().load(EMPTY_DOC, null);
    useUi.getState().close();
    useUi.getState().requestFit();
  });
}

export async function openTemplate(
  id: string,
  opts: { input: [number, number, number]; classes: number; variant?: string; expand: boolean },
  label: string,
): Promise<void> {
  useFiles.setState({ busy: `Building ${label}…` });
  try {
    performance.mark('template:start');
    let doc = buildTemplate(id, { input: opts.input, classes: opts.classes, ...(opts.variant ? { variant: opts.variant } : {}) });
    if (opts.expand) doc = { ...doc, nodes: doc.nodes.map((n) => ({ ...n, expanded: true })) };
    performance.mark('template:built');
    const laid = await arranged(doc);
    performance.mark('template:laid-out');
    useProjectMeta.getState().set(label, {});
    useDoc.getState().load(laid, null);
    useUi.getState().close();
    useUi.getState().requestFit();
  } catch (e) {
    useUi.getState().toast('error', `${label}: ${errText(e)}`);
  } finally {
    useFiles.setState({ busy: null });
  }
}

/**
 * Opens a project file. `untitledCopy` opens it without its path (the bundled sample, which is
 * part of the install): Save then asks where to put it, and it is not added to the recent files.
 */
export async function openPath(path: string, opts: { untitledCopy?: boolean } = {}): Promise<boolean> {
  useFiles.setState({ busy: `Opening ${baseName(path)}…` });
  try {
    const r = await api().openProject({ path });
    const project = fromWire(r.project);
    const model = await readable(project.model);
    useProjectMeta.getState().set(project.name, project.extra);
    useDoc.getState().load(model, opts.untitledCopy ? null : r.path);
    if (!opts.untitledCopy) remember(r.path);
    for (const w of r.warnings) useUi.getState().toast('info', w);
    useUi.getState().close();
    useFiles.setState({ browse: null });
    useUi.getState().requestFit();
    return true;
  } catch (e) {
    useUi.getState().toast('error', `Could not open ${path}: ${errText(e)}`);
    return false;
  } finally {
    useFiles.setState({ busy: null });
  }
}

/** Loads an opened project handed over at start (`cnn-studio serve PROJECT`, a file opened with the app). */
export async function adoptOpened(path: string, wire: unknown): Promise<void> {
  try {
    const project = fromWire(wire);
    const model = await readable(project.model);
    useProjectMeta.getState().set(project.name, project.extra);
    useDoc.getState().load(model, path);
    remember(path);
    useUi.getState().requestFit();
  } catch (e) {
    useUi.getState().toast('error', `Could not open ${path}: ${errText(e)}`);
  }
}

export function openDialog(): void {
  guardUnsaved('Open another model', () => {
    void api()
      .chooseFile({ mode: 'open', title: 'Open a model', filters: PROJECT_FILTERS })
      .then((r) => {
        if (!r.native) useFiles.setState({ browse: { mode: 'open', start: dirOf(useDoc.getState().path) } });
        else if (r.path) void openPath(r.path);
      })
      .catch((e: unknown) => useUi.getState().toast('error', errText(e)));
  });
}

function dirOf(path: string | null): string | null {
  if (!path) return null;
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i > 0 ? path.slice(0, i) : null;
}

export async function saveTo(path: string): Promise<boolean> {
  const doc = useDoc.getState().doc;
  useFiles.setState({ busy: `Saving ${baseName(path)}…` });
  try {
    if (useProjectMeta.getState().name === 'Untitled')
      useProjectMeta.getState().set(baseName(path).replace(/(\.cnn)?\.json$/i, ''), useProjectMeta.getState().extra);
    const r = await api().saveProject({ path, project: toProject(doc) });
    useDoc.getState().markSaved(r.path, doc);
    remember(r.path);
    useFiles.setState({ browse: null });
    useUi.getState().toast('ok', `Saved ${baseName(r.path)}`);
    void api()
      .clearRecovery({})
      .catch(() => undefined);
    return true;
  } catch (e) {
    useUi.getState().toast('error', errText(e));
    return false;
  } finally {
    useFiles.setState({ busy: null });
  }
}

export function saveAs(): void {
  const current = useDoc.getState().path;
  const suggested = current ?? `${useProjectMeta.getState().name.replace(/[^\w.-]+/g, '-') || 'model'}.cnn.json`;
  void api()
    .chooseFile({ mode: 'save', title: 'Save the model as', defaultPath: suggested, filters: PROJECT_FILTERS })
    .then((r) => {
      if (!r.native) useFiles.setState({ browse: { mode: 'save', start: dirOf(current) } });
      else if (r.path) void saveTo(r.path);
    })
    .catch((e: unknown) => useUi.getState().toast('error', errText(e)));
}

export function save(): void {
  const path = useDoc.getState().path;
  if (path) void saveTo(path);
  else saveAs();
}

// ---- autosave and recovery -----------------------------------------------------------------------

const AUTOSAVE_MS = 1500;
let timer: ReturnType<typeof setTimeout> | null = null;
let wroteRecovery = false;

/** Writes the recovery file a moment after each change while there are unsaved changes. */
export function startAutosave(): void {
  useDoc.subscribe((s, prev) => {
    if (s.doc === prev.doc && s.saved === prev.saved) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      const st = useDoc.getState();
      const a = useFiles.getState().api;
      if (!a) return;
      if (isDirty(st) && st.doc.nodes.length) {
        wroteRecovery = true;
        void a.saveRecovery({ project: toProject(st.doc), path: st.path }).catch(() => undefined);
      } else if (wroteRecovery) {
        wroteRecovery = false;
        void a.clearRecovery({}).catch(() => undefined);
      }
    }, AUTOSAVE_MS);
  });
}

export async function checkRecovery(): Promise<void> {
  try {
    const r = await api().loadRecovery({});
    if (r) useFiles.setState({ recovery: r });
  } catch {
    // No recovery offer is better than a failing start.
  }
}

export async function restoreRecovery(): Promise<void> {
  const r = useFiles.getState().recovery;
  if (!r) return;
  try {
    const project = fromWire(r.project);
    const model = await readable(project.model);
    useProjectMeta.getState().set(project.name, project.extra);
    useDoc.getState().load(model, r.path, { dirty: true });
    useFiles.setState({ recovery: null });
    useUi.getState().requestFit();
  } catch (e) {
    useUi.getState().toast('error', `The recovered model cannot be read: ${errText(e)}`);
  }
}

export function discardRecovery(): void {
  useFiles.setState({ recovery: null });
  void api()
    .clearRecovery({})
    .catch(() => undefined);
}
