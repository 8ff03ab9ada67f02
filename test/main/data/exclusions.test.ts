/**
 * The exclusion list in the dataset root: honoured by the scan for both layouts and so by
 * everything built on it (prepareDataset: training and evaluation), never reported as a stray file.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXCLUDE_FILE, JOURNAL_FILE, readExclusions, writeExclusions } from '../../../main/data/exclusions';
import { scanImageFolder } from '../../../main/data/scan';
import { prepareDataset } from '../../../main/data/dataset';
import { evaluateModel } from '../../../main/trainer/eval-run';
import { runTraining } from '../../../main/trainer/loop';
import { makeDataset, settings, tinyProject } from '../../helpers/trainer-fixtures';
import { tempDir } from '../../helpers/temp-dir';

describe('the exclusion list', () => {
  it('leaves listed images out of train/ and val/ folders, and is not a skipped file itself', async () => {
    const root = await makeDataset(path.join(tempDir('excl-'), 'data'), { classes: ['a', 'b'], perClass: 6, splitFolders: true });
    await writeExclusions(root, ['train/a/000.png', 'val/b/001.png', 'train/a/000.png']);
    await fs.writeFile(path.join(root, JOURNAL_FILE), '');
    expect(await readExclusions(root)).toEqual(['train/a/000.png', 'val/b/001.png']);
    const scan = await scanImageFolder(root);
    expect(scan.counts).toMatchObject({ train: [5, 6], val: [2, 1] });
    expect(scan.skipped.map((s) => path.relative(root, s.path))).toEqual(['train/a/000.png', 'val/b/001.png']);
    const cacheDir = tempDir('excl-cache-');
    const d = await prepareDataset(root, { input: { channels: 1, height: 8, width: 8, resize: 'stretch' }, cacheDir });
    expect(d.counts).toMatchObject({ train: [5, 6], val: [2, 1] });
    await d.cache.close();
  });

  it('training and evaluation skip the listed images', async () => {
    const dir = tempDir('excl-run-');
    const root = await makeDataset(path.join(dir, 'data'), { classes: ['a', 'b'], perClass: 8 });
    await fs.writeFile(path.join(root, EXCLUDE_FILE), 'a/000.png\nb/000.png\n');
    const cacheDir = path.join(dir, 'cache');
    const end = await runTraining(
      { project: tinyProject(8), dataDir: root, outDir: path.join(dir, 'run'), cacheDir, settings: settings({ epochs: 1, valSplit: 0 }), threads: 1 },
      () => undefined,
    );
    expect(end.type).toBe('done');
    const run = JSON.parse(await fs.readFile(path.join(dir, 'run', 'run.json'), 'utf8')) as { data: { counts: { train: number[] } } };
    expect(run.data.counts.train).toEqual([7, 7]);
    const ev = await evaluateModel(path.join(dir, 'run'), root, { cacheDir, threads: 1 });
    expect(ev.samples).toBe(14);
  }, 60_000);

  it('names an exclusion list that cannot be read', async () => {
    const root = await makeDataset(path.join(tempDir('excl-bad-'), 'data'), { classes: ['a', 'b'], perClass: 2 });
    await fs.mkdir(path.join(root, EXCLUDE_FILE));
    await expect(scanImageFolder(root)).rejects.toThrow(/cannot read the exclusion list .*\.cnn-studio-exclude/);
  });
});
