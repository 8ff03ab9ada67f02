/**
 * The worker-thread host: the entry runs in a worker_threads Worker of this process, so it shares
 * this process's heap, environment and fate (a native crash ends both).
 */
import { Worker } from 'node:worker_threads';
import type { WorkerMessage } from './messages';
import type { TrainerHostFactory } from './host-types';

export const threadHost: TrainerHostFactory = (script, init, on) => {
  const worker = new Worker(script, { workerData: init });
  let error: string | null = null;
  worker.on('message', (m: WorkerMessage) => on.message(m));
  // 'error' (an uncaught exception in the thread) is always followed by 'exit'.
  worker.on('error', (e) => {
    error = e.message;
  });
  worker.on('exit', (code) => on.end({ code, signal: null, error }));
  return {
    kind: 'worker thread',
    pid: process.pid,
    send: (m) => worker.postMessage(m),
    kill: async () => {
      await worker.terminate();
    },
    release: () => undefined,
  };
};
