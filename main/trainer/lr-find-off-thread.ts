/**
 * The learning-rate sweep (lr-find.ts) in a trainer host, where training runs: its train steps
 * block the thread they run on, which must not be the one serving the studio (Electron's main
 * process, serve mode's server). Same result as findLearningRate; cancel and onPoint work as there.
 */
import { DatasetError } from '../data/errors';
import { runHostJob, type OffThreadOptions } from './host-job';
import { findLearningRate, type LrFindOptions, type LrFindResult } from './lr-find';
import { DATASET_ERROR_CODE } from './messages';
import { TrainError } from './run-folder';

export function findLearningRateOffThread(o: LrFindOptions, how: OffThreadOptions = {}): Promise<LrFindResult> {
  if (how.mode === 'inline') return findLearningRate(o);
  const { control, onPoint, ...job } = o;
  return runHostJob(
    {
      what: 'learning-rate search',
      init: { job: 'lr-find', options: job },
      result: (m) => (m.kind === 'lr-result' ? m.result : undefined),
      progress: (m) => {
        if (m.kind === 'lr-point') onPoint?.(m.point, m.step, m.steps);
      },
      // The same classes findLearningRate throws, so callers tell the person the same thing.
      failure: (m) => {
        if (m.code === DATASET_ERROR_CODE) return new DatasetError(m.message, o.dataDir);
        if (m.code !== null) return new TrainError(m.code, m.message);
        return new Error(m.message);
      },
      ...(control ? { control } : {}),
    },
    how,
  );
}
