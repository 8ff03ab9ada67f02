/**
 * A trainer host runs the worker entry (dist/train-worker.cjs) away from the caller's thread:
 * onnxruntime's session.run blocks the thread it runs on, and a training run must not take the
 * event loop of Electron's main process or of serve mode's server with it. Three hosts carry the
 * same entry and the same messages (messages.ts):
 *   host-thread.ts   a worker_threads Worker (the CLI's and serve mode's default)
 *   host-process.ts  a Node child process (child_process.fork) started with TRAINER_ENV
 *   host-utility.ts  Electron's utilityProcess (the desktop app), also with TRAINER_ENV
 * A process has its own heap (a crash or out-of-memory ends the run, not the app) and starts with
 * the glibc heap tuning of process-env.ts, which a thread cannot get: glibc reads it at start-up.
 */
import type { ParentMessage, WorkerInit, WorkerMessage } from './messages';

/** How a host ended. */
export interface HostEnd {
  /** the exit code, when it exited with one */
  code: number | null;
  /** the signal that ended it, when one did and the host can tell */
  signal: NodeJS.Signals | null;
  /** an uncaught error or start failure the host reported before it ended */
  error: string | null;
  /** what the code means where it is ambiguous (Electron reports a signal as its number) */
  detail?: string;
}

export interface HostHandlers {
  message(m: WorkerMessage): void;
  /** called once, when the host has ended (or could not start) */
  end(e: HostEnd): void;
}

export interface TrainerHost {
  /** 'worker thread', 'child process' or 'utility process': names it in messages */
  readonly kind: string;
  /** the OS process the job runs in (this one for a thread; undefined before a process has started) */
  readonly pid: number | undefined;
  send(m: ParentMessage): void;
  /** Ends it now, without any clean-up in it; resolves once it has ended. */
  kill(): Promise<void>;
  /** The job sent its last message: end a process host quietly (a thread ends by itself). */
  release(): void;
}

/** Starts `script` with `init` as its job; throws when it cannot be started at all. */
export type TrainerHostFactory = (script: string, init: WorkerInit, on: HostHandlers) => TrainerHost;

/** "exited unexpectedly (exit code 3)", "was ended by signal SIGKILL", "crashed: <error>". */
export function describeEnd(end: HostEnd): string {
  if (end.error) return `crashed: ${end.error}`;
  if (end.signal) return `was ended by signal ${end.signal}`;
  return `exited unexpectedly (exit code ${end.code ?? 'unknown'}${end.detail ? `; ${end.detail}` : ''})`;
}
