/**
 * The contract between the UI and the backend, declared once. Three carriers implement it — the
 * Electron preload (contextBridge), the IPC binding in main, and the browser client of serve mode —
 * and the renderer never learns which one it has.
 *
 * Every method takes one JSON payload and returns a promise of a JSON value. Payload schemas are
 * zod, so each carrier validates what crosses a process boundary with the same rule.
 */
import { z } from 'zod';
import type { Project } from './graph/project';
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
      filters: z.array(z.object({ name: z.string().max(100), extensions: z.array(z.string().max(20)).max(20) })).max(20).optional(),
    })
    .strict(),
  /** Serve mode's file browser: a folder's entries (no path: the user's home folder). */
  listDirectory: z.object({ path: z.string().max(4096).optional(), showHidden: z.boolean().optional() }).strict(),
  /** Autosave: one recovery file per user, replaced on every save. */
  saveRecovery: z.object({ project: z.unknown(), path: z.string().max(4096).nullable() }).strict(),
  loadRecovery: z.object({}).strict(),
  clearRecovery: z.object({}).strict(),
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
}

/** An autosaved document: what the editor had when it last wrote the recovery file. */
export interface RecoveryFile {
  project: unknown;
  /** The file the document belonged to, or null for an unsaved one. */
  path: string | null;
  /** Milliseconds since the epoch. */
  savedAt: number;
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
}

export type StudioApi = { [M in ApiMethod]: (req: ApiRequest<M>) => Promise<ApiResponses[M]> };

/** Events the backend pushes to the UI. */
export interface ApiEvents {
  log: { level: 'info' | 'warn' | 'error'; message: string; at: number };
  projectOpened: { path: string };
  /** A command from the native application menu, handled by the renderer. */
  menu: { command: MenuCommand };
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
  constructor(readonly code: string, message: string) {
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
  return { code: 'internal', message: e instanceof Error ? e.message : String(e) };
}

/** "path.to.field: problem; other.field: problem" — names every offending field. */
export function formatZodError(e: z.ZodError): string {
  return e.issues
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : '(payload)'}: ${i.message}`)
    .join('; ');
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
