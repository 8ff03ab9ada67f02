/**
 * Evaluation in each trainer host (the bundled worker entry in a worker thread, a child process,
 * Electron's utility process through the fake) gives exactly the in-process report, and its
 * failures arrive as TrainErrors with their message, not as a crash.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateModel } from '../../../main/trainer/eval-run';
import { evaluateOffThread } from '../../../main/trainer/evaluate-off-thread';
import { TrainError } from '../../../main/trainer/run-folder';
import { startTraining } from '../../../main/trainer/start';
import { makeDataset, options, tinyProject, workerScript } from '../../helpers/trainer-fixtures';
import { tempDir } from '../../helpers/temp-dir';
import { trainerHosts } from '../../helpers/trainer-hosts';

let script = '';
let data = '';
let runDir = '';
beforeAll(async () => {
  script = await workerScript();
  data = await makeDataset(tempDir('trainer-'), { perClass: 12, size: 8 });
  runDir = path.join(tempDir('trainer-'), 'run');
  const end = await startTraining(options(tinyProject(), data, runDir, tempDir('trainer-'), { epochs: 1 }), { mode: 'inline' }).finished;
  expect(end.type).toBe('done');
});

const HOSTS = trainerHosts();

describe.each(HOSTS)('evaluation in a %s', (_kind, host) => {
  it('matches the in-process evaluation', async () => {
    const [worker, inline] = await Promise.all([
      evaluateOffThread(runDir, data, { threads: 1 }, { workerScript: script, host }),
      evaluateModel(runDir, data, { threads: 1 }),
    ]);
    expect(worker.samples).toBe(inline.samples);
    expect(worker.confusion).toEqual(inline.confusion);
    expect(worker.accuracy).toBe(inline.accuracy);
    expect(worker.misclassified).toEqual(inline.misclassified);
  });

  it('reports a failure with its message', async () => {
    const missing = path.join(tempDir('trainer-'), 'nothing-here');
    const err = await evaluateOffThread(missing, data, {}, { workerScript: script, host }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainError);
    expect((err as Error).message).toMatch(/nothing-here/);
  });
});
