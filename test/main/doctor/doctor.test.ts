/**
 * The data doctor on real images with planted problems: label errors (images filed under the
 * next class) and brightened copies (in the same class and in another one). A run is trained on
 * the folder, then `cnn-studio doctor --json` must find most of what was planted.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runTraining } from '../../../main/trainer/loop';
import type { ProjectJson } from '../../../main/trainer/types';
import type { DoctorReport } from '../../../core/data/doctor-report';
import { settings } from '../../helpers/trainer-fixtures';
import { cli } from '../../helpers/cli-io';
import { plantedDataset, type Planted } from './planted';
import { tempDir } from '../../helpers/temp-dir';

const PROJECT = path.resolve(__dirname, '..', '..', '..', 'assets', 'sample-fashion-mnist.cnn.json');

let planted: Planted;
let runDir: string;
let cacheDir: string;

beforeAll(async () => {
  const dir = tempDir('doctor-');
  planted = await plantedDataset(path.join(dir, 'data'));
  runDir = path.join(dir, 'run');
  cacheDir = path.join(dir, 'cache');
  const project = JSON.parse(await fs.readFile(PROJECT, 'utf8')) as ProjectJson;
  const end = await runTraining(
    {
      project,
      dataDir: planted.root,
      outDir: runDir,
      cacheDir,
      settings: settings({ epochs: 6, batchSize: 32, lr: 2e-3, valSplit: 0.2, seed: 3 }),
      threads: 1,
      progressIntervalMs: 0,
    },
    () => undefined,
  );
  expect(end.type).toBe('done');
}, 240_000);

describe('cnn-studio doctor on planted problems', () => {
  let report: DoctorReport;

  it('prints the report as JSON', async () => {
    const r = await cli('doctor', runDir, '--data', planted.root, '--json', '--folds', '4', '--epochs', '4', '--threads', '1', '--cache-dir', cacheDir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    report = JSON.parse(r.out) as DoctorReport;
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['suspectedMislabels', 'duplicates', 'outliers', 'unreadable']));
    const m = report.suspectedMislabels[0]!;
    expect(Object.keys(m)).toEqual(expect.arrayContaining(['path', 'label', 'suggested', 'confidence']));
    expect(report.method).toMatchObject({ folds: 4, epochs: 4, crossValidated: report.images, heldOut: 0 });
  }, 240_000);

  it('finds most planted label errors, near the top of the ranking', () => {
    const found = new Set(report.suspectedMislabels.map((x) => x.rel));
    const hits = planted.mislabels.filter((rel) => found.has(rel));
    const recall = hits.length / planted.mislabels.length;
    // Precision among the first as many suspects as were planted.
    const top = new Set(report.suspectedMislabels.slice(0, planted.mislabels.length).map((x) => x.rel));
    const topHits = planted.mislabels.filter((rel) => top.has(rel)).length;
    console.log(
      `doctor: mislabel recall ${hits.length}/${planted.mislabels.length}, ${topHits} in the top ${planted.mislabels.length}, ${report.suspectedMislabels.length} suspects of ${report.images} images`,
    );
    expect(recall).toBeGreaterThanOrEqual(0.75);
    for (const x of report.suspectedMislabels.filter((s) => planted.mislabels.includes(s.rel))) {
      // Each planted image came from the class before the one it is filed under.
      expect(x.suggested).not.toBe(x.label);
    }
  });

  it('finds the brightened copies, flags those across classes, and reports little else', () => {
    const pairs = planted.copies.filter(([a, b]) => report.duplicates.some((d) => d.rels.includes(a) && d.rels.includes(b)));
    const others = report.duplicates.filter((d) => !planted.copies.some(([a, b]) => d.rels.includes(a) && d.rels.includes(b)));
    console.log(
      `doctor: duplicate recall ${pairs.length}/${planted.copies.length}, ${others.length} other groups; crossSplit groups ${report.duplicates.filter((d) => d.crossSplit).length}`,
    );
    expect(pairs.length / planted.copies.length).toBeGreaterThanOrEqual(0.75);
    expect(others.length).toBeLessThanOrEqual(2);
    for (const d of report.duplicates) expect(d.crossClass).toBe(new Set(d.labels).size > 1);
  });

  it('lists the noise image among the outliers', () => {
    const rank = report.outliers.findIndex((o) => o.rel === planted.outlier);
    console.log(`doctor: noise image is outlier ${rank + 1} of ${report.outliers.length}`);
    expect(rank).toBeGreaterThanOrEqual(0);
  });

  it('prints a text report with every section, progress on stderr', async () => {
    const r = await cli('doctor', runDir, '--data', planted.root, '--folds', '2', '--epochs', '1', '--threads', '1', '--show', '3', '--cache-dir', cacheDir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/249 images, 4 classes/);
    expect(r.out).toMatch(/2-fold cross-validation \(1 epoch\(s\) per fold\)/);
    expect(r.out).toMatch(/suspected label errors: \d+/);
    expect(r.out).toMatch(/near-duplicate groups: \d+/);
    expect(r.out).toMatch(/outliers: \d+/);
    expect(r.out).toMatch(/unreadable files: 0/);
    expect(r.err).toMatch(/fold 1 of 2: training on \d+ images for 1 epoch\(s\), scoring \d+/);
  }, 120_000);

  it('says what is wrong with a bad run folder, data folder or option', async () => {
    const noRun = await cli('doctor', path.join(planted.root, 'nope'), '--data', planted.root);
    expect(noRun.code).toBe(1);
    expect(noRun.err).toMatch(/not a run folder \(no run\.json\)/);
    const other = tempDir('doctor-other-');
    await fs.mkdir(path.join(other, 'x'));
    await fs.mkdir(path.join(other, 'y'));
    await fs.copyFile(path.join(planted.root, planted.mislabels[0]!), path.join(other, 'x', 'a.png'));
    await fs.copyFile(path.join(planted.root, planted.mislabels[1]!), path.join(other, 'y', 'b.png'));
    const mismatch = await cli('doctor', runDir, '--data', other);
    expect(mismatch.err).toMatch(/classes \(x, y\) differ from the run's \(Bag, Sneaker, T-shirt_top, Trouser\)/);
    const folds = await cli('doctor', runDir, '--data', planted.root, '--folds', '1');
    expect(folds.err).toMatch(/--folds: "1" is not a whole number >= 2/);
  });
});
