/**
 * The start screen's backend: pretrainedPrepare downloads a backbone from a local server (the
 * catalog entry is made for a torchvision MobileNetV3-Small file saved here), reports progress
 * and writes the project and checkpoint; a run from such a project replaces the classifier for
 * the folder's classes and keeps the backbone's normalisation.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PretrainedProgress } from '../../../core/api';
import { parseProject } from '../../../core/graph/project';
import { IMAGENET_MEAN, IMAGENET_STD } from '../../../core/pretrained/catalog';
import { PretrainedService } from '../../../main/studio/pretrained-service';
import { startTraining } from '../../../main/trainer/start';
import type { ProjectJson, TrainEvent } from '../../../main/trainer/types';
import { cli } from '../../helpers/cli-io';
import { runPython, torchMissing } from '../../helpers/python-torch';
import { makeDataset, options } from '../../helpers/trainer-fixtures';
import { entryFor, startWeightsServer, type WeightsServer } from '../pretrained/weights-server';

const missing = torchMissing();
const dir = mkdtempSync(path.join(os.tmpdir(), 'cnn-pretrained-service-'));
const pth = path.join(dir, 'mobilenet_v3_small.pth');
let server: WeightsServer | null = null;
const env = { ...process.env };

beforeAll(() => {
  if (missing) return;
  runPython(
    [
      '-c',
      `import torch, torchvision\ntorch.manual_seed(0)\ntorch.save(torchvision.models.mobilenet_v3_small(weights=None).state_dict(), ${JSON.stringify(pth)})`,
    ],
    dir,
    120_000,
  );
}, 130_000);
afterAll(async () => {
  process.env = env;
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(missing !== null)('pretrained backbones in the studio', () => {
  it('pretrainedPrepare downloads with progress and writes the project and checkpoint', async () => {
    const bytes = readFileSync(pth);
    const entry = entryFor('mobilenet_v3_small', bytes, 'mobilenet_v3_small');
    server = await startWeightsServer(new Map([[entry.file, bytes]]));
    process.env.CNN_STUDIO_WEIGHTS_URL = server.baseUrl;
    process.env.CNN_STUDIO_CACHE_DIR = path.join(dir, 'cache');
    const events: PretrainedProgress[] = [];
    const service = new PretrainedService({ home: path.join(dir, 'home'), emit: (p) => events.push(p), catalog: [entry] });
    expect((await service.catalog())[0]).toMatchObject({ id: 'mobilenet_v3_small', available: true, cached: false });
    const r = await service.prepare('mobilenet_v3_small');
    expect(r.projectPath).toBe(path.join(dir, 'home', 'pretrained', 'mobilenet_v3_small.json'));
    expect(existsSync(path.join(dir, 'home', 'pretrained', 'mobilenet_v3_small.ckpt'))).toBe(true);
    expect(existsSync(path.join(dir, 'cache', 'weights', entry.file))).toBe(true);
    expect(events.some((e) => e.state === 'downloading' && e.received === bytes.length && e.total === bytes.length)).toBe(true);
    expect(events.at(-1)!.state).toBe('done');
    const project = parseProject(readFileSync(r.projectPath, 'utf8'));
    expect(project.extra.deploy).toEqual({ colorMode: 'rgb', mean: IMAGENET_MEAN, std: IMAGENET_STD, resize: 'center-crop' });
    expect(project.extra.pretrained).toMatchObject({ id: 'mobilenet_v3_small', file: entry.file });
    expect((await service.catalog())[0]!.cached).toBe(true);
    await expect(service.prepare('vgg19')).rejects.toThrow('no pretrained backbone named "vgg19"');
  }, 120_000);

  it('a run on a folder replaces the classifier for its classes and keeps the backbone normalisation', async () => {
    const projectPath = path.join(dir, 'small.json');
    const made = await cli('template', 'mobilenet_v3_small', '--weights', pth, '--input', '3x32x32', '-o', projectPath);
    expect(made.code).toBe(0);
    const parsed = parseProject(readFileSync(projectPath, 'utf8'));
    const project: ProjectJson = { name: parsed.name, model: parsed.model, extra: parsed.extra };
    const data = await makeDataset(path.join(dir, 'images'), { classes: ['a', 'b', 'c'], perClass: 6, size: 32 });
    const out = path.join(dir, 'run');
    const run = startTraining(
      { ...options(project, data, out, path.join(dir, 'decode'), { epochs: 1, lr: 1e-9, batchSize: 4 }), projectPath },
      { mode: 'inline' },
    );
    const events: TrainEvent[] = [];
    run.on((e) => events.push(e));
    const end = await run.finished;
    const log = events
      .filter((e): e is Extract<TrainEvent, { type: 'log' }> => e.type === 'log')
      .map((e) => e.message)
      .join('\n');
    expect(end.type, log).toBe('done');
    expect(log).toContain("normalisation: the pretrained backbone's (mean 0.485, 0.456, 0.406; std 0.229, 0.224, 0.225)");
    expect(log).toMatch(
      /starting from \d+ tensors of .*small\.ckpt; initialised fresh \(no tensor of that name and size\): classifier\.3\.weight, classifier\.3\.bias$/m,
    );
    const runJson = JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8')) as { preprocessing: { mean: number[]; std: number[] } };
    expect(runJson.preprocessing.mean).toEqual(IMAGENET_MEAN);
    expect(runJson.preprocessing.std).toEqual(IMAGENET_STD);
  }, 300_000);
});
