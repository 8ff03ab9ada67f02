/** A run with the imagenet augmentation: decodes a storage-resolution cache and trains from it. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { startTraining } from '../../../main/trainer/start';
import { readRunJson } from '../../../main/trainer/run-folder';
import { listCaches } from '../../../main/data/cache-admin';
import { AUGMENT_PRESETS } from '../../../core/train-defaults';
import { makeDataset, options, tinyProject } from '../../helpers/trainer-fixtures';
import { tempDir } from '../../helpers/temp-dir';
import { cli } from '../../helpers/cli-io';
import { serializeProject } from '../../../core/graph/index';
import { liveLoaderThreads } from '../../../main/data/loader-threads';
import type { TrainEvent } from '../../../main/trainer/types';

describe('training with --augment imagenet', () => {
  it('trains from a storage-resolution cache at 8/7 of the model side and records the preset', async () => {
    const work = tempDir('imagenet-aug-');
    const data = await makeDataset(path.join(work, 'data'), { perClass: 12, size: 20 });
    const cacheDir = path.join(work, 'cache');
    const opts = options(tinyProject(8), data, path.join(work, 'run'), cacheDir, {
      epochs: 2,
      augment: { ...AUGMENT_PRESETS.imagenet },
      resize: 'center-crop',
    });
    const run0 = startTraining(opts, { mode: 'inline' });
    const logs: string[] = [];
    run0.on((e) => e.type === 'log' && logs.push(e.message));
    const end = await run0.finished;
    expect(end.type).toBe('done');
    // Batches cut from the store are prepared on loader threads, which end with the run.
    expect(logs.some((m) => /loader threads? prepare batches/.test(m))).toBe(true);
    // `finished` settles on the terminal event; the loop closes its loaders right after it.
    await vi.waitFor(() => expect(liveLoaderThreads()).toBe(0), { timeout: 5000 });
    const caches = await listCaches(cacheDir);
    expect(caches.map((c) => c.input)).toEqual(['1x10x10 stretch']);
    const run = await readRunJson(path.join(work, 'run'));
    expect(run.settings.augment?.resizedCrop).toEqual({ scale: [0.08, 1], ratio: [0.75, 4 / 3] });
    expect(run.preprocessing).toMatchObject({ inputSize: [1, 8, 8], resize: 'center-crop' });
  });

  it('a run stopped mid-epoch leaves no loader thread running', async () => {
    const work = tempDir('imagenet-stop-');
    const data = await makeDataset(path.join(work, 'data'), { perClass: 24, size: 20 });
    const opts = options(tinyProject(8), data, path.join(work, 'run'), path.join(work, 'cache'), {
      epochs: 3,
      batchSize: 4,
      augment: { ...AUGMENT_PRESETS.imagenet },
      resize: 'center-crop',
    });
    const run = startTraining(opts, { mode: 'inline' });
    let threadsDuringRun = 0;
    run.on((e: TrainEvent) => {
      if (e.type !== 'progress') return;
      threadsDuringRun = Math.max(threadsDuringRun, liveLoaderThreads());
      run.cancel();
    });
    expect((await run.finished).type).toBe('cancelled');
    expect(threadsDuringRun).toBeGreaterThan(0);
    await vi.waitFor(() => expect(liveLoaderThreads()).toBe(0), { timeout: 5000 });
  });

  it('the CLI takes a preset name, and refuses an unknown one or letterbox with a reason', async () => {
    const work = tempDir('imagenet-cli-');
    const unknown = await cli('train', 'nothing.json', '--data', work, '--augment', 'heavy');
    expect(unknown.code).not.toBe(0);
    expect(unknown.err).toMatch(/--augment: "heavy" is not one of light, imagenet, none/);
    const project = path.join(work, 'tiny.json');
    await fs.writeFile(project, serializeProject(tinyProject(8) as Parameters<typeof serializeProject>[0]));
    const data = await makeDataset(path.join(work, 'data'), { perClass: 4, size: 8 });
    const letterbox = await cli('train', project, '--data', data, '--out', path.join(work, 'run'), '--augment', 'imagenet', '--resize', 'letterbox');
    expect(letterbox.code).not.toBe(0);
    expect(letterbox.err).toMatch(/cannot letterbox them: use --resize center-crop or stretch, or --augment light/);
  });
});
