/**
 * Evaluation in a trainer host (the training worker's entry, host-types.ts), so a long evaluation
 * never blocks the caller's event loop (Electron's main process, serve mode's server). Same result
 * as evaluateModel.
 */
import { evaluateModel, type EvalOptions, type EvalReport } from './eval-run';
import { describeEnd, type TrainerHostFactory } from './host-types';
import { TrainError } from './run-folder';
import { defaultHost, defaultWorkerScript } from './start';

export interface OffThreadOptions {
  /** 'inline' runs on the calling thread (tests of code around it); default 'worker'. */
  mode?: 'worker' | 'inline';
  workerScript?: string;
  /** where the worker script runs (default: defaultHost(), a worker thread) */
  host?: TrainerHostFactory;
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
    try {
      const host = (how.host ?? defaultHost())(
        how.workerScript ?? defaultWorkerScript(),
        { job: 'evaluate', target, dataDir, options },
        {
          message: (m) => {
            if (m.kind === 'result') settle(() => resolve(m.report));
            else if (m.kind === 'error') settle(() => reject(new TrainError(m.code ?? 'eval-failed', m.message)));
            if (m.kind === 'result' || m.kind === 'error') host.release();
          },
          end: (e) => settle(() => reject(new TrainError('worker-exited', `the evaluation ${host.kind} ${describeEnd(e)} before it finished`))),
        },
      );
    } catch (e) {
      reject(new TrainError('worker-start', `cannot start the evaluation worker: ${(e as Error).message}`));
    }
  });
}
