/**
 * startTraining: the one call the CLI, the backend and the UI use. The loop runs in a trainer host
 * (host-types.ts) running dist/train-worker.cjs, so session.run never blocks the caller's event
 * loop: a worker thread by default, a child process (processHost, or CNN_STUDIO_TRAINER_HOST=process),
 * or Electron's utility process (utilityProcessHost, which the desktop app passes in).
 * `mode: 'inline'` runs the same loop in process (tests, debugging).
 *
 *   const run = startTraining(options);
 *   run.on((e) => ...);             // every TrainEvent: log, data, start, progress, epoch, checkpoint, ...
 *   run.pause(); run.resume(); run.cancel();
 *   const last = await run.finished;  // the terminal event: done | cancelled | failed
 *
 * If the host ends without a terminal event (killed, out of memory, native crash), the run reports
 * `failed` with code 'worker-exited' (or 'worker-crashed' for an uncaught error), naming the exit
 * code or signal: the last checkpoint on disk is whole (atomic writes) and `resume: true` continues from it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readConfig, type Env } from '../config';
import { RunControl } from './control';
import { processHost } from './host-process';
import { threadHost } from './host-thread';
import { describeEnd, type TrainerHost, type TrainerHostFactory } from './host-types';
import { runTraining, type LoopHooks } from './loop';
import type { ParentMessage } from './messages';
import type { TrainEvent, TrainOptions } from './types';

export type TrainListener = (e: TrainEvent) => void;

export interface TrainingRun {
  /** subscribe to events; returns an unsubscribe function */
  on(listener: TrainListener): () => void;
  pause(): void;
  resume(): void;
  cancel(): void;
  /** resolves with the terminal event (done, cancelled or failed); never rejects */
  readonly finished: Promise<TrainEvent>;
  /**
   * Fault hook (tests): end the host at the next step boundary with no clean-up, as a crash
   * would (a process host is killed: SIGKILL, or Electron's kill()); the run then reports
   * `failed` / 'worker-exited'. Inline mode: same as cancel.
   */
  kill(): Promise<void>;
}

export interface StartOptions {
  mode?: 'worker' | 'inline';
  /** the bundled worker script (default: CNN_STUDIO_TRAIN_WORKER, else train-worker.cjs beside this bundle) */
  workerScript?: string;
  /** where the worker script runs (default: defaultHost()) */
  host?: TrainerHostFactory;
  hooks?: LoopHooks;
}

/** Where the bundled worker lives: beside dist/cli.cjs, or one folder up from dist/electron/main.cjs. */
export function defaultWorkerScript(): string {
  const fromEnv = readConfig().trainWorker;
  if (fromEnv) return fromEnv;
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  const candidates = [path.join(here, 'train-worker.cjs'), path.join(here, '..', 'train-worker.cjs'), path.join(here, '..', '..', 'dist', 'train-worker.cjs')];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`the training worker (train-worker.cjs) is missing; looked in ${candidates.join(', ')}. Build it with "npm run build"`);
  return found;
}

/**
 * A worker thread, unless CNN_STUDIO_TRAINER_HOST=process asks for a child process (which starts
 * with TRAINER_ENV; the CLI gets that environment by re-running itself instead).
 */
export function defaultHost(env: Env = process.env): TrainerHostFactory {
  return readConfig(env).trainerHost === 'process' ? processHost() : threadHost;
}

const TERMINAL = new Set(['done', 'cancelled', 'failed']);

export function startTraining(options: TrainOptions, how: StartOptions = {}): TrainingRun {
  const listeners = new Set<TrainListener>();
  let terminal: TrainEvent | null = null;
  let lastEpoch = 0;
  let resolveFinished!: (e: TrainEvent) => void;
  const finished = new Promise<TrainEvent>((r) => {
    resolveFinished = r;
  });
  const deliver = (e: TrainEvent): void => {
    if (terminal) return;
    if (e.type === 'epoch') lastEpoch = e.epoch;
    if (TERMINAL.has(e.type)) terminal = e;
    for (const l of listeners) {
      try {
        l(e);
      } catch {
        // A listener's bug must not stop the run.
      }
    }
    if (terminal) resolveFinished(terminal);
  };
  const on = (l: TrainListener): (() => void) => {
    listeners.add(l);
    return () => listeners.delete(l);
  };

  if (how.mode === 'inline') {
    const control = new RunControl();
    // Start on a later tick, so listeners added right after this call see every event.
    setImmediate(() => void runTraining(options, deliver, control, how.hooks));
    return { on, pause: () => control.pause(), resume: () => control.resume(), cancel: () => control.cancel(), finished, kill: async () => control.cancel() };
  }

  let host: TrainerHost;
  let killed = false;
  try {
    host = (how.host ?? defaultHost())(
      how.workerScript ?? defaultWorkerScript(),
      { options },
      {
        message: (m) => {
          if (m.kind === 'event') deliver(m.event);
          else if (m.kind === 'finished') host.release();
        },
        end: (e) => {
          const resume =
            lastEpoch > 0
              ? `the checkpoint of epoch ${lastEpoch} is intact: continue with --resume`
              : 'no epoch had finished, so there is no checkpoint to resume from';
          deliver({
            type: 'failed',
            code: e.error && !killed ? 'worker-crashed' : 'worker-exited',
            message: `the training ${host.kind} ${killed ? 'was stopped' : describeEnd(e)} during epoch ${lastEpoch + 1}; ${resume}`,
          });
        },
      },
    );
  } catch (e) {
    setImmediate(() => deliver({ type: 'failed', code: 'worker-start', message: `cannot start the training worker: ${(e as Error).message}` }));
    return { on, pause: () => undefined, resume: () => undefined, cancel: () => undefined, finished, kill: async () => undefined };
  }
  const send = (m: ParentMessage): void => {
    if (!terminal) host.send(m);
  };
  return {
    on,
    pause: () => send({ type: 'pause' }),
    resume: () => send({ type: 'resume' }),
    cancel: () => send({ type: 'cancel' }),
    finished,
    kill: async () => {
      // Terminating a thread inside onnxruntime's session.run aborts the whole process (a native
      // exception escapes while the thread's environment is torn down). So hold the host at the
      // next step boundary first, then end it there without any clean-up: for the loop and the
      // files on disk this is the same as a crash mid-epoch. (A process could be killed anywhere;
      // the boundary keeps what a test sees the same for every host.)
      if (terminal) return;
      const atBoundary = new Promise<void>((resolve) => {
        const off = on((e) => {
          if (e.type === 'paused' || TERMINAL.has(e.type)) {
            off();
            resolve();
          }
        });
      });
      send({ type: 'pause' });
      await atBoundary;
      if (terminal) return;
      killed = true;
      await host.kill();
    },
  };
}
