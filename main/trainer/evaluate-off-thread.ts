/**
 * Evaluation in a trainer host (the training worker's entry, host-types.ts), so a long evaluation
 * never blocks the caller's event loop (Electron's main process, serve mode's server). Same result
 * as evaluateModel.
 */
import { evaluateModel, type EvalOptions, type EvalReport } from './eval-run';
import { runHostJob, type OffThreadOptions } from './host-job';
import { TrainError } from './run-folder';

export type { OffThreadOptions } from './host-job';

export function evaluateOffThread(target: string, dataDir: string, options: EvalOptions = {}, how: OffThreadOptions = {}): Promise<EvalReport> {
  if (how.mode === 'inline') return evaluateModel(target, dataDir, options);
  return runHostJob(
    {
      what: 'evaluation',
      init: { job: 'evaluate', target, dataDir, options },
      result: (m) => (m.kind === 'result' ? m.report : undefined),
      failure: (m) => new TrainError(m.code ?? 'eval-failed', m.message),
    },
    how,
  );
}
