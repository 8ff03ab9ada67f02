/**
 * The LR range test on a real (tiny) project and dataset: the sweep runs the trainer's own step,
 * the loss first falls then diverges at high rates, the suggestion lies on the falling part,
 * and nothing is written next to the project. The CLI prints the same as JSON.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../core/data/rng';
import { serializeProject } from '../../../core/graph/project';
import type { ModelDocument } from '../../../core/graph/types';
import { findLearningRate, type LrFindResult } from '../../../main/trainer/lr-find';
import { RunControl } from '../../../main/trainer/control';
import { runTraining } from '../../../main/trainer/loop';
import { cli } from '../../helpers/cli-io';
import { makeDataset, options, settings, tinyProject, workerScript } from '../../helpers/trainer-fixtures';
import { tempDir } from '../../helpers/temp-dir';

/** Three classes of the same uniform noise: nothing to learn, so high rates only inflate the logits. */
async function noiseDataset(root: string): Promise<string> {
  const rng = createRng(5);
  for (const c of ['a', 'b', 'c']) {
    await fs.mkdir(path.join(root, c), { recursive: true });
    for (let i = 0; i < 24; i++) {
      const px = Buffer.from(Array.from({ length: 64 }, () => Math.floor(rng.next() * 256)));
      await sharp(px, { raw: { width: 8, height: 8, channels: 1 } })
        .png()
        .toFile(path.join(root, c, `${i}.png`));
    }
  }
  return root;
}

describe('lr-find on a tiny project', () => {
  let root = '';
  let data = '';
  let projectFile = '';
  let noisy = '';
  let result: LrFindResult;
  let diverging: LrFindResult;

  beforeAll(async () => {
    // The CLI runs the sweep in a trainer host: the worker entry built for the tests.
    process.env['CNN_STUDIO_TRAIN_WORKER'] = await workerScript();
    root = tempDir('lr-find-');
    data = await makeDataset(path.join(root, 'data'), { perClass: 32 });
    noisy = await noiseDataset(path.join(root, 'noise'));
    projectFile = path.join(root, 'tiny.json');
    const p = tinyProject(8);
    await fs.writeFile(projectFile, serializeProject({ name: p.name, model: p.model as ModelDocument, extra: {} }));
    const run = (dataDir: string) =>
      findLearningRate({
        project: p,
        dataDir,
        settings: settings({ batchSize: 8, optimizer: 'adam', augment: null }),
        sweep: { minLr: 1e-5, maxLr: 10, steps: 60 },
        threads: 1,
      });
    result = await run(data);
    diverging = await run(noisy);
  }, 120_000);
  afterAll(() => {
    delete process.env['CNN_STUDIO_TRAIN_WORKER'];
  });

  it('sweeps exponentially and sees the loss fall on learnable data', () => {
    const { curve } = result;
    expect(curve.length).toBe(60);
    expect(curve[0]!.lr).toBeCloseTo(1e-5, 12);
    expect(curve[59]!.lr).toBeCloseTo(10, 8);
    const best = Math.min(...curve.map((p) => p.loss));
    expect(best).toBeLessThan(curve[0]!.loss * 0.9);
    console.log(`lr-find: ${curve.length} steps, start loss ${curve[0]!.loss.toFixed(3)}, best ${best.toFixed(3)}, suggestion ${result.suggestion}`);
  });

  it('stops on divergence where the labels are noise and the rate grows too high', () => {
    const { curve } = diverging;
    expect(diverging.stopped).toBe('diverged');
    expect(curve.length).toBeLessThan(60);
    const best = Math.min(...curve.map((p) => p.loss));
    console.log(`lr-find on noise: stopped after ${curve.length} steps at lr ${curve[curve.length - 1]!.lr.toExponential(2)}, best ${best.toFixed(3)}`);
  });

  it('suggests a rate on the falling part, before the minimum of the curve', () => {
    const s = result.suggestion!;
    expect(s).toBeGreaterThan(1e-5);
    const minAt = result.curve.reduce((b, p) => (p.loss < b.loss ? p : b)).lr;
    expect(s).toBeLessThanOrEqual(minAt);
  });

  it('starts from the checkpoint the project names, as training would', async () => {
    const trained = path.join(root, 'trained');
    const done = await runTraining(options(tinyProject(8), data, trained, path.join(root, 'cache'), { epochs: 3, valSplit: 0 }), () => undefined);
    expect(done.type).toBe('done');
    const sweep = { minLr: 1e-7, maxLr: 1e-6, steps: 5 };
    const run = (project: ReturnType<typeof tinyProject>) =>
      findLearningRate({ project, projectPath: path.join(root, 'tiny.json'), dataDir: data, settings: settings({ batchSize: 8 }), sweep, threads: 1 });
    const fresh = await run(tinyProject(8));
    const fromCheckpoint = await run({ ...tinyProject(8), extra: { weights: path.join('trained', 'best.ckpt') } });
    // At lr 1e-7 nothing moves: the first loss is the starting weights' loss.
    expect(fromCheckpoint.curve[0]!.loss).toBeLessThan(fresh.curve[0]!.loss * 0.8);
    await fs.rm(trained, { recursive: true, force: true });
  });

  it('stops when cancelled and returns the curve so far', async () => {
    const control = new RunControl();
    const r = await findLearningRate({
      project: tinyProject(8),
      dataDir: data,
      settings: settings({ batchSize: 8 }),
      sweep: { steps: 50 },
      threads: 1,
      control,
      onPoint: (_p, step) => {
        if (step === 4) control.cancel();
      },
    });
    expect(r.stopped).toBe('cancelled');
    expect(r.curve.length).toBe(5);
  });

  it('prints {curve, suggestion} as JSON and writes nothing beside the project', async () => {
    const before = (await fs.readdir(root)).sort();
    const projectText = await fs.readFile(projectFile, 'utf8');
    const r = await cli('lr-find', projectFile, '--data', data, '--json', '--steps', '30', '--threads', '1', '--batch', '8');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { curve: { lr: number; loss: number }[]; suggestion: number | null };
    expect(out.curve.length).toBeGreaterThan(5);
    expect(Object.keys(out.curve[0]!)).toEqual(['lr', 'loss']);
    expect(out.suggestion === null || out.suggestion > 0).toBe(true);
    expect((await fs.readdir(root)).sort()).toEqual(before);
    expect(await fs.readFile(projectFile, 'utf8')).toBe(projectText);
  });

  it('refuses a bad sweep and a missing data folder with clear messages', async () => {
    expect((await cli('lr-find', projectFile, '--data', data, '--steps', '2')).err).toMatch(/from 5 to 10000, not 2/);
    expect((await cli('lr-find', projectFile, '--data', data, '--min-lr', '-1')).err).toMatch(/--min-lr: "-1" is not a positive number/);
    const missing = await cli('lr-find', projectFile, '--data', path.join(root, 'nope'));
    expect(missing.code).toBe(1);
    expect(missing.err).not.toMatch(/ENOENT/);
  });
});
