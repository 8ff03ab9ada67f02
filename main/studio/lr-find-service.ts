/**
 * The Train tab's "Find learning rate": one range test at a time (main/trainer/lr-find.ts) with
 * the tab's settings, cancellable from another request. It runs in a trainer host, where training
 * runs (a utility process in the app, a worker thread in serve mode): its train steps would block
 * the thread serving the studio's other requests.
 */
import { StudioError, type LrFindView, type TrainSettingsInput } from '../../core/api';
import { DatasetError } from '../data/errors';
import { RunControl } from '../trainer/control';
import type { OffThreadOptions } from '../trainer/host-job';
import { findLearningRateOffThread } from '../trainer/lr-find-off-thread';
import { TrainError } from '../trainer/run-folder';
import type { ProjectJson } from '../trainer/types';
import { trainerSettings } from './run-view';

export class LrFindService {
  private running: RunControl | null = null;

  /** `how`: the trainer host the sweeps run in (the backend's training options). */
  constructor(private readonly how: OffThreadOptions = {}) {}

  async run(
    project: ProjectJson,
    projectPath: string | null,
    dataDir: string,
    input: TrainSettingsInput,
    steps: number | undefined,
    cacheDir: string,
  ): Promise<LrFindView> {
    if (this.running) throw new StudioError('busy', 'a learning-rate search is already running: cancel it or wait for it to end');
    const control = new RunControl();
    this.running = control;
    try {
      const r = await findLearningRateOffThread(
        {
          project,
          dataDir,
          settings: trainerSettings(input),
          control,
          cacheDir,
          threads: 1,
          ...(steps ? { sweep: { steps } } : {}),
        },
        this.how,
      );
      return { curve: r.curve, suggestion: r.suggestion, stopped: r.stopped, batchSize: r.batchSize };
    } catch (e) {
      if (e instanceof TrainError) throw new StudioError(e.code, e.message);
      if (e instanceof DatasetError) throw new StudioError('dataset', e.message);
      throw e;
    } finally {
      this.running = null;
    }
  }

  cancel(): { cancelled: boolean } {
    if (!this.running) return { cancelled: false };
    this.running.cancel();
    return { cancelled: true };
  }
}
