/**
 * The learning-rate sweep in each trainer host (the bundled worker entry in a worker thread, a
 * child process, Electron's utility process through the fake) gives exactly the in-process curve
 * and suggestion for a seeded run, reports every point as it goes, stops on cancel, and brings a
 * failure back as the error class the in-process sweep throws.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LrPoint } from '../../../core/train/lr-finder';
import { DatasetError } from '../../../main/data/errors';
import { RunControl } from '../../../main/trainer/control';
import { threadHost } from '../../../main/trainer/host-thread';
import { findLearningRate, type LrFindOptions } from '../../../main/trainer/lr-find';
import { findLearningRateOffThread } from '../../../main/trainer/lr-find-off-thread';
import { TrainError } from '../../../main/trainer/run-folder';
import { tempDir } from '../../helpers/temp-dir';
import { trainerHosts } from '../../helpers/trainer-hosts';
import { makeDataset, settings, tinyProject, workerScript } from '../../helpers/trainer-fixtures';

let script = '';
let data = '';
beforeAll(async () => {
  script = await workerScript();
  data = await makeDataset(tempDir('lr-off-thread-'), { perClass: 16, size: 8 });
});

/** A seeded sweep with dropout (its masks are drawn from the seed too) and augmentation. */
const sweepOptions = (dataDir: string): LrFindOptions => ({
  project: tinyProject(8, { dropout: 0.2 }),
  dataDir,
  settings: settings({ batchSize: 8, optimizer: 'adam', augment: { hflip: true, cropPadding: 1 }, seed: 11 }),
  sweep: { minLr: 1e-4, maxLr: 1, steps: 24 },
  threads: 1,
});

const HOSTS = trainerHosts();

describe.each(HOSTS)('lr-find in a %s', (_kind, host) => {
  it('gives the in-process curve and suggestion, one point event per step', async () => {
    const points: LrPoint[] = [];
    const steps: number[] = [];
    const [away, inline] = await Promise.all([
      findLearningRateOffThread(
        {
          ...sweepOptions(data),
          onPoint: (p, step, total) => {
            points.push(p);
            steps.push(step);
            expect(total).toBe(24);
          },
        },
        { workerScript: script, host },
      ),
      findLearningRate(sweepOptions(data)),
    ]);
    expect(inline.curve.length).toBeGreaterThan(10);
    expect(away.curve).toEqual(inline.curve);
    expect(away.suggestion).toBe(inline.suggestion);
    expect(away.stopped).toBe(inline.stopped);
    expect(away.batchSize).toBe(inline.batchSize);
    expect(points).toEqual(inline.curve);
    expect(steps).toEqual(inline.curve.map((_p, i) => i));
  });

  it('brings a missing folder back as the DatasetError the in-process sweep throws', async () => {
    const missing = path.join(tempDir('lr-off-thread-'), 'nothing-here');
    const [away, inline] = await Promise.all([
      findLearningRateOffThread(sweepOptions(missing), { workerScript: script, host }).catch((e: unknown) => e),
      findLearningRate(sweepOptions(missing)).catch((e: unknown) => e),
    ]);
    expect(inline).toBeInstanceOf(DatasetError);
    expect(away).toBeInstanceOf(DatasetError);
    expect((away as Error).message).toBe((inline as Error).message);
  });
});

describe('lr-find in a worker thread, controlled from here', () => {
  it('stops soon after cancel and returns the curve so far', async () => {
    const control = new RunControl();
    const r = await findLearningRateOffThread(
      {
        ...sweepOptions(data),
        sweep: { minLr: 1e-5, maxLr: 1e-3, steps: 1000 },
        control,
        onPoint: (_p, step) => {
          if (step === 4) control.cancel();
        },
      },
      { workerScript: script, host: threadHost },
    );
    expect(r.stopped).toBe('cancelled');
    // The cancel crosses to the worker while it takes its next steps: a few more, never the sweep.
    expect(r.curve.length).toBeGreaterThanOrEqual(5);
    expect(r.curve.length).toBeLessThan(100);
  });

  it('refuses a bad sweep as a TrainError with its message', async () => {
    const err = await findLearningRateOffThread({ ...sweepOptions(data), sweep: { steps: 2 } }, { workerScript: script, host: threadHost }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TrainError);
    expect((err as TrainError).code).toBe('bad-settings');
    expect((err as Error).message).toMatch(/from 5 to 10000, not 2/);
  });
});
