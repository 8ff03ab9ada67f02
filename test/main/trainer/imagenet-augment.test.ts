/** A run with the imagenet augmentation: decodes a storage-resolution cache and trains from it. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTraining } from '../../../main/trainer/start';
import { readRunJson } from '../../../main/trainer/run-folder';
import { listCaches } from '../../../main/data/cache-admin';
import { AUGMENT_PRESETS } from '../../../core/train-defaults';
import { makeDataset, options, tinyProject } from '../../helpers/trainer-fixtures';
import { tempDir } from '../../helpers/temp-dir';
import { cli } from '../../helpers/cli-io';
import { serializeProject } from '../../../core/graph/index';

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
    const end = await startTraining(opts, { mode: 'inline' }).finished;
    expect(end.type).toBe('done');
    const caches = await listCaches(cacheDir);
    expect(caches.map((c) => c.input)).toEqual(['1x10x10 stretch']);
    const run = await readRunJson(path.join(work, 'run'));
    expect(run.settings.augment?.resizedCrop).toEqual({ scale: [0.08, 1], ratio: [0.75, 4 / 3] });
    expect(run.preprocessing).toMatchObject({ inputSize: [1, 8, 8], resize: 'center-crop' });
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
