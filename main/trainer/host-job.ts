/**
 * One job in a trainer host that ends with a result (an evaluation, a learning-rate sweep), as a
 * promise: the host's messages settle it, a cancel of `control` is forwarded to the job, and a host
 * that ends before the result rejects with a TrainError saying how it ended.
 */
import { RunControl } from './control';
import { describeEnd, type TrainerHostFactory } from './host-types';
import type { WorkerInit, WorkerMessage } from './messages';
import { TrainError } from './run-folder';
import { defaultHost, defaultWorkerScript } from './start';

export interface OffThreadOptions {
  /** 'inline' runs on the calling thread (tests of code around it); default 'worker'. */
  mode?: 'worker' | 'inline';
  workerScript?: string;
  /** where the worker script runs (default: defaultHost(), a worker thread) */
  host?: TrainerHostFactory;
}

export interface HostJob<T> {
  /** names the job in errors: 'evaluation', 'learning-rate search' */
  what: string;
  init: WorkerInit;
  /** The result when `m` is the job's last message, else undefined (progress goes to `progress`). */
  result(m: WorkerMessage): T | undefined;
  progress?(m: WorkerMessage): void;
  /** The error to reject with for the job's error message. */
  failure(m: Extract<WorkerMessage, { kind: 'error' }>): Error;
  /** cancel() is sent to the job as a cancel control */
  control?: RunControl;
}

export function runHostJob<T>(job: HostJob<T>, how: OffThreadOptions): Promise<T> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void): void => {
      if (!settled) {
        settled = true;
        f();
      }
    };
    try {
      const host = (how.host ?? defaultHost())(how.workerScript ?? defaultWorkerScript(), job.init, {
        message: (m) => {
          const result = job.result(m);
          if (result === undefined && m.kind !== 'error') return job.progress?.(m);
          settle(() => (result !== undefined ? resolve(result) : m.kind === 'error' && reject(job.failure(m))));
          host.release();
        },
        end: (e) => settle(() => reject(new TrainError('worker-exited', `the ${job.what} ${host.kind} ${describeEnd(e)} before it finished`))),
      });
      const cancel = (): void => {
        if (!settled) host.send({ type: 'cancel' });
      };
      if (job.control?.cancelled) cancel();
      else job.control?.signal.addEventListener('abort', cancel, { once: true });
    } catch (e) {
      reject(new TrainError('worker-start', `cannot start the ${job.what} worker: ${(e as Error).message}`));
    }
  });
}
