/**
 * The Train tab's "Find learning rate": one range test at a time (main/trainer/lr-find.ts) with
 * the tab's settings, cancellable from another request. It runs in the backend's process: about
 * a hundred train steps of the model, awaited one by one, so other requests are served between them.
 */
import { StudioError, type LrFindView, type TrainSettingsInput } from '../../core/api';
import { DatasetError } from '../data/errors';
import { RunControl } from '../trainer/control';
import { findLearningRate } from '../trainer/lr-find';
import { TrainError } from '../trainer/run-folder';
import type { ProjectJson } from '../trainer/types';
import { trainerSettings } from './run-view';

export class LrFindService {
  private running: RunControl | null = null;

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
      const r = await findLearningRate({
        project,
        dataDir,
        settings: trainerSettings(input),
        control,
        cacheDir,
        threads: 1,
        ...(steps ? { sweep: { steps } } : {}),
      });
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
