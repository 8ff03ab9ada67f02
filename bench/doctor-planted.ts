/**
 * The data doctor's recall on planted problems at the bundled sample's full size: all 10
 * Fashion-MNIST classes x 100 training images, the last 5 of each class filed under the next class
 * (50 label errors, 5%), and 3 brightened copies per class (the 2nd and 3rd in another class).
 * Trains a run with the sample project, runs the doctor with its defaults, prints recall, how many
 * of the top-50 suspects were planted there (label errors, or copies filed under another class), the false duplicate groups, and the wall time of each part.
 *   node bench/run-ts.mjs bench/doctor-planted.ts [--folds K] [--epochs N] [--json]
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTraining } from '../main/trainer/loop';
import { withDefaults } from '../main/trainer/settings';
import type { ProjectJson } from '../main/trainer/types';
import { runDoctor } from '../main/doctor/doctor';
import { ALL_CLASSES, plantedDataset } from '../test/main/doctor/planted';

const arg = (name: string): number | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : undefined;
};
const repo = process.cwd();

async function main(): Promise<void> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-doctor-'));
  try {
    const planted = await plantedDataset(path.join(work, 'data'), {
      perClass: 100,
      mislabelsPerClass: 5,
      copiesPerClass: 3,
      classes: ALL_CLASSES,
      sampleTrain: path.join(repo, 'assets', 'sample-fashion-mnist', 'train'),
    });
    const project = JSON.parse(await fs.readFile(path.join(repo, 'assets', 'sample-fashion-mnist.cnn.json'), 'utf8')) as ProjectJson;
    const cacheDir = path.join(work, 'cache');
    const t0 = performance.now();
    const settings = withDefaults({
      epochs: 10,
      batchSize: 32,
      optimizer: 'adam',
      lr: 2e-3,
      schedule: { kind: 'constant' },
      augment: null,
      device: 'cpu',
      seed: 3,
      valSplit: 0.1,
      weightDecay: 0,
    });
    const end = await runTraining({ project, dataDir: planted.root, outDir: path.join(work, 'run'), cacheDir, settings }, () => undefined);
    if (end.type !== 'done') throw new Error(`training ended as ${end.type}`);
    const t1 = performance.now();
    const folds = arg('--folds');
    const epochs = arg('--epochs');
    const r = await runDoctor(path.join(work, 'run'), planted.root, { cacheDir, ...(folds ? { folds } : {}), ...(epochs ? { epochs } : {}) });
    const t2 = performance.now();
    const suspects = r.suspectedMislabels.map((m) => m.rel);
    const hits = planted.mislabels.filter((m) => suspects.includes(m)).length;
    // Copies filed under another class are wrongly filed too: they count as right answers in the top K.
    const misfiled = new Set([...planted.mislabels, ...planted.copies.filter(([a, b]) => a.split('/')[0] !== b.split('/')[0]).map(([, b]) => b)]);
    const topHits = suspects.slice(0, planted.mislabels.length).filter((m) => misfiled.has(m)).length;
    const found = planted.copies.filter(([a, b]) => r.duplicates.some((d) => d.rels.includes(a) && d.rels.includes(b))).length;
    const falseGroups = r.duplicates.filter((d) => !planted.copies.some(([a, b]) => d.rels.includes(a) && d.rels.includes(b))).length;
    const result = {
      images: r.images,
      folds: r.method.folds,
      epochsPerFold: r.method.epochs,
      mislabelRecall: `${hits}/${planted.mislabels.length}`,
      misfiledInTopK: `${topHits}/${planted.mislabels.length}`,
      suspects: suspects.length,
      duplicateRecall: `${found}/${planted.copies.length}`,
      falseDuplicateGroups: falseGroups,
      outliers: r.outliers.length,
      trainSeconds: Number(((t1 - t0) / 1000).toFixed(1)),
      doctorSeconds: Number(((t2 - t1) / 1000).toFixed(1)),
      cpu: os.cpus()[0]?.model ?? 'unknown',
    };
    console.log(
      process.argv.includes('--json')
        ? JSON.stringify(result)
        : Object.entries(result)
            .map(([k, v]) => `${k}: ${v}`)
            .join('\n'),
    );
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
