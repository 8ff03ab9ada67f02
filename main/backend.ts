/**
 * The backend: implements the api contract in plain Node. Electron's IPC binding and serve mode's
 * HTTP server both call it; it imports no electron. It never trusts its caller: every payload is
 * validated again here, and paths are resolved here.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  StudioError,
  parseRequest,
  type ApiEventName,
  type ApiEvents,
  type ApiMethod,
  type ApiRequest,
  type ApiResponses,
  type ExecutionProviderInfo,
  type StartupState,
  type StudioApi,
  type Unsubscribe,
  type VersionInfo,
} from '../core/api';
import { STUDIO_VERSION } from '../core/version';
import { atomicWrite } from './fs/atomic-write';
import { EventHub } from './events';
import { loadOrt, probeExecutionProviders } from './providers';

/** Turns project files into documents and back; core/graph supplies the real one. */
export interface ProjectCodec {
  /** Throws an Error whose message names the field and the problem. */
  parse(text: string): { project: unknown; warnings: string[] };
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
}

/** Largest project file we read: a project holds a graph, not weights. */
const MAX_PROJECT_BYTES = 64 * 1024 * 1024;

export class Backend implements StudioApi {
  readonly events = new EventHub();
  private providers: Promise<ExecutionProviderInfo[]> | null = null;

  constructor(private readonly opts: BackendOptions) {}

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

  async openProject(req: ApiRequest<'openProject'>): Promise<ApiResponses['openProject']> {
    const file = path.resolve(req.path);
    const text = await readProjectText(file);
    let parsed: { project: unknown; warnings: string[] };
    try {
      parsed = this.opts.codec.parse(text);
    } catch (e) {
      throw new StudioError('invalid-project', `${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.events.emit('projectOpened', { path: file });
    return { path: file, project: parsed.project, warnings: parsed.warnings };
  }

  async saveProject(req: ApiRequest<'saveProject'>): Promise<ApiResponses['saveProject']> {
    const file = path.resolve(req.path);
    let text: string;
    try {
      // Round-trip through the parser: a document the studio could not open again is never written.
      text = this.opts.codec.serialize(req.project);
      this.opts.codec.parse(text);
    } catch (e) {
      throw new StudioError('invalid-project', `not saved to ${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const dir = path.dirname(file);
    const st = await fs.stat(dir).catch(() => null);
    if (!st?.isDirectory()) throw new StudioError('not-found', `not saved: the folder ${dir} does not exist`);
    try {
      const bytes = await atomicWrite(file, text);
      return { path: file, bytes };
    } catch (e) {
      throw new StudioError('write-failed', `could not save ${file}: ${(e as NodeJS.ErrnoException).code ?? ''} ${e instanceof Error ? e.message : ''}`.trim());
    }
  }
}

async function readProjectText(file: string): Promise<string> {
  let st;
  try {
    st = await fs.stat(file);
  } catch {
    throw new StudioError('not-found', `${file}: no such file`);
  }
  if (!st.isFile()) throw new StudioError('not-a-file', `${file}: not a file`);
  if (st.size > MAX_PROJECT_BYTES) {
    throw new StudioError('too-large', `${file}: ${st.size} bytes is larger than a project file can be (${MAX_PROJECT_BYTES} bytes)`);
  }
  const buf = await fs.readFile(file);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(buf);
  if (text.includes('\u0000')) throw new StudioError('invalid-project', `${file}: binary data, not a JSON project file`);
  return text;
}
