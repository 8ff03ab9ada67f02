/**
 * Evaluation in the training worker's thread, so a long evaluation never blocks the caller's
 * event loop (Electron's main process, serve mode's server). Same result as evaluateModel.
 */
import { Worker } from 'node:worker_threads';
import { evaluateModel, type EvalOptions, type EvalReport } from './eval-run';
import type { WorkerInit, WorkerMessage } from './messages';
import { TrainError } from './run-folder';
import { defaultWorkerScript } from './start';

export interface OffThreadOptions {
  /** 'inline' runs on the calling thread (tests of code around it); default 'worker'. */
  mode?: 'worker' | 'inline';
  workerScript?: string;
}

export function evaluateOffThread(target: string, dataDir: string, options: EvalOptions = {}, how: OffThreadOptions = {}): Promise<EvalReport> {
  if (how.mode === 'inline') return evaluateModel(target, dataDir, options);
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void): void => {
      if (!settled) {
        settled = true;
        f();
      }
    };
    let worker: Worker;
    try {
      worker = new Worker(how.workerScript ?? defaultWorkerScript(), { workerData: { job: 'evaluate', target, dataDir, options } satisfies WorkerInit });
    } catch (e) {
      reject(new TrainError('worker-start', `cannot start the evaluation worker: ${(e as Error).message}`));
      return;
    }
    worker.on('message', (m: WorkerMessage) => {
      if (m.kind === 'result') settle(() => resolve(m.report));
      else if (m.kind === 'error') settle(() => reject(new TrainError(m.code ?? 'eval-failed', m.message)));
    });
    worker.on('error', (e) => settle(() => reject(new TrainError('worker-exited', `the evaluation worker failed: ${e.message}`))));
    worker.on('exit', (code) => settle(() => reject(new TrainError('worker-exited', `the evaluation worker stopped (exit code ${code}) before it finished`))));
  });
}
