/** Stop pressed while the images are still being decoded ends the run at once as cancelled. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTraining } from '../../../main/trainer/start';
import type { TrainEvent } from '../../../main/trainer/types';
import { makeDataset, options, tinyProject } from '../../helpers/trainer-fixtures';
import { tempDir } from '../../helpers/temp-dir';

describe('cancel during decoding', () => {
  it('stops decoding, reports cancelled (not failed) before any epoch, with no checkpoint', async () => {
    const work = tempDir('cancel-decode-');
    const data = await makeDataset(path.join(work, 'data'), { perClass: 40, size: 8 });
    const opts = options(tinyProject(8), data, path.join(work, 'run'), path.join(work, 'cache'), { epochs: 1 });
    const run = startTraining(opts, { mode: 'inline' });
    const events: TrainEvent[] = [];
    run.on((e) => {
      events.push(e);
      if (e.type === 'data' && e.done < e.total) run.cancel();
    });
    const end = await run.finished;
    expect(end).toMatchObject({ type: 'cancelled', epoch: 0, checkpoints: { last: null } });
    expect(events.some((e) => e.type === 'start' || e.type === 'progress' || e.type === 'failed')).toBe(false);
    const lastData = events.filter((e): e is Extract<TrainEvent, { type: 'data' }> => e.type === 'data').pop()!;
    expect(lastData.done).toBeLessThan(lastData.total);
  });
});
