/**
 * The Electron host: the entry runs in a utility process (Electron's utilityProcess.fork, a
 * Chromium-launched Node process: own heap, own crash, shown by name in app.getAppMetrics()).
 * This file does not import electron: main/electron/main.ts passes `utilityProcess` in, so the
 * backend and the trainer stay plain Node.
 *
 * Electron's API, as documented (docs/api/utility-process.md, parent-port.md):
 *  - fork(modulePath, args, { env, serviceName, stdio }); a given env REPLACES the parent's, and
 *    the module may live inside app.asar (the utility process's fs and module loader read asar);
 *  - parent: child.postMessage(m), child.on('message', (m) => ...), 'spawn', 'exit' (code),
 *    'error' (type, location, report) for V8 fatal errors, child.kill() (SIGTERM on POSIX);
 *  - child: process.parentPort.on('message', (e) => e.data), process.parentPort.postMessage(m);
 *  - 'exit' carries a number only: on POSIX a process ended by a signal reports the signal's number,
 *    and one ended by child.kill() reports 0.
 */
import os from 'node:os';
import type { WorkerMessage } from './messages';
import type { HostEnd, TrainerHostFactory } from './host-types';
import { TRAINER_ENV } from './process-env';

/** What this host needs of Electron's UtilityProcess (an instance from utilityProcess.fork). */
export interface UtilityChild {
  on(event: 'message', listener: (message: WorkerMessage) => void): this;
  on(event: 'exit', listener: (code: number) => void): this;
  on(event: 'error', listener: (type: string, location: string, report: string) => void): this;
  once(event: 'exit', listener: (code: number) => void): this;
  postMessage(message: unknown): void;
  kill(): boolean;
  readonly pid: number | undefined;
}

export interface UtilityForkOptions {
  env?: Record<string, string>;
  serviceName?: string;
  stdio?: 'pipe' | 'ignore' | 'inherit';
}

/** What this host needs of Electron's `utilityProcess` module. */
export interface UtilityProcessApi {
  fork(modulePath: string, args?: string[], options?: UtilityForkOptions): UtilityChild;
}

export interface UtilityHostOptions {
  /** the name in app.getAppMetrics() and 'child-process-gone' (default 'CNN Studio trainer') */
  serviceName?: string;
  /** the child's environment before TRAINER_ENV is added (default: this process's) */
  env?: NodeJS.ProcessEnv;
}

export function utilityProcessHost(utilityProcess: UtilityProcessApi, o: UtilityHostOptions = {}): TrainerHostFactory {
  return (script, init, on) => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(o.env ?? process.env)) if (v !== undefined) env[k] = v;
    Object.assign(env, TRAINER_ENV);
    const child = utilityProcess.fork(script, [], { env, serviceName: o.serviceName ?? 'CNN Studio trainer', stdio: 'inherit' });
    let error: string | null = null;
    let stopping = false;
    let ended = false;
    child.on('message', (m) => on.message(m));
    child.on('error', (type, location) => {
      error = `${type} at ${location}`;
    });
    child.on('exit', (code) => {
      ended = true;
      const e: HostEnd = { code, signal: null, error };
      const signal = stopping ? null : signalOfCode(code);
      if (signal) e.detail = `if a signal ended it, ${signal}: Electron reports a signal as its number`;
      on.end(e);
    });
    child.postMessage({ type: 'init', init });
    return {
      kind: 'utility process',
      get pid() {
        return child.pid;
      },
      send: (m) => {
        if (!ended) child.postMessage(m);
      },
      kill: () => {
        if (ended) return Promise.resolve();
        stopping = true;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        // SIGTERM: Node's default action ends the process at once, with no handler run in it.
        if (!child.kill()) return Promise.resolve();
        return exited;
      },
      release: () => {
        // Its job is done; a utility process is not ended by an empty event loop in every build.
        if (!ended) {
          stopping = true;
          child.kill();
        }
      },
    };
  };
}

/** Signals that end a process unasked: killed (the OOM killer), or a native crash. */
const FATAL_SIGNALS = ['SIGKILL', 'SIGSEGV', 'SIGABRT', 'SIGBUS', 'SIGILL', 'SIGFPE', 'SIGTERM'] as const;

/** 9 -> 'SIGKILL' on POSIX, where Electron turns a terminating signal into the exit code. */
function signalOfCode(code: number): string | null {
  if (process.platform === 'win32') return null;
  return FATAL_SIGNALS.find((s) => os.constants.signals[s] === code) ?? null;
}
