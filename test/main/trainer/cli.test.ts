/**
 * The CLI from a bundle built like scripts/build.mjs (cli.cjs + train-worker.cjs side by side):
 * `train --json` prints one JSON event per line, `eval --json` the metrics; errors are one line.
 */
import { execFile, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeProject } from '../../../core/graph/project';
import type { ModelDocument } from '../../../core/graph/types';
import { runCli } from '../../../main/cli';
import { readCheckpoint } from '../../../main/trainer/checkpoint';
import { makeDataset, tinyProject } from '../../helpers/trainer-fixtures';
import { bundleCli } from '../../helpers/cli-io';
import { tempDir } from '../../helpers/temp-dir';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..', '..');
let removeBundle: () => Promise<void> = async () => undefined;
let cli = '';
let data = '';
let cache = '';
let projectPath = '';

beforeAll(async () => {
  ({ cli, remove: removeBundle } = await bundleCli('cli'));
  const dir = tempDir('trainer-');
  data = await makeDataset(path.join(dir, 'data'), { perClass: 16, splitFolders: true });
  cache = path.join(dir, 'cache');
  projectPath = path.join(dir, 'tiny.json');
  const p = tinyProject();
  await fs.writeFile(projectPath, serializeProject({ name: p.name, model: p.model as ModelDocument, extra: {} }));
});

afterAll(async () => {
  await removeBundle();
});

type Json = Record<string, unknown>;

describe('cnn-studio train / eval (bundled)', () => {
  it('train --json: one event per line; eval --json on the run folder and on model.onnx', async () => {
    const out = path.join(path.dirname(projectPath), 'run1');
    const r = await run(
      process.execPath,
      [
        cli,
        'train',
        projectPath,
        '--data',
        data,
        '--out',
        out,
        '--epochs',
        '2',
        '--batch',
        '8',
        '--optimizer',
        'adam',
        '--lr',
        '0.01',
        '--schedule',
        'cosine',
        '--device',
        'cpu',
        '--seed',
        '3',
        '--threads',
        '1',
        '--cache-dir',
        cache,
        '--no-augment',
        '--json',
      ],
      { cwd: ROOT },
    );
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Json);
    expect(events.every((e) => typeof e.type === 'string')).toBe(true);
    const epochs = events.filter((e) => e.type === 'epoch');
    expect(epochs).toHaveLength(2);
    for (const e of epochs) {
      for (const k of ['epoch', 'trainLoss', 'trainAccuracy', 'valLoss', 'valAccuracy', 'lr', 'seconds', 'imagesPerSecond'])
        expect(typeof e[k], k).toBe('number');
    }
    const done = events.at(-1)!;
    expect(done.type).toBe('done');
    expect(done.checkpoints).toEqual({
      last: path.join(out, 'last.ckpt'),
      best: path.join(out, 'best.ckpt'),
      model: path.join(out, 'model.onnx'),
      runJson: path.join(out, 'run.json'),
    });

    const ev = await run(process.execPath, [cli, 'eval', out, '--data', data, '--json', '--threads', '1', '--cache-dir', cache], { cwd: ROOT });
    const m = JSON.parse(ev.stdout) as Json & { perClass: Json[]; confusion: number[][]; misclassified: Json[] };
    expect(Object.keys(m)).toEqual(expect.arrayContaining(['accuracy', 'top5', 'perClass', 'confusion', 'misclassified']));
    expect(m.split).toBe('val');
    expect(m.top5).toBeNull();
    expect(m.perClass.map((c) => Object.keys(c).sort())).toEqual([
      ['class', 'f1', 'precision', 'recall', 'support'],
      ['class', 'f1', 'precision', 'recall', 'support'],
    ]);
    expect(m.confusion.flat().reduce((a, b) => a + b, 0)).toBe(10);
    // The eval of the run equals the last validation in run.json (best = epoch with the best val accuracy).
    const runJson = JSON.parse(await fs.readFile(path.join(out, 'run.json'), 'utf8')) as { evaluation: { accuracy: number; confusion: number[][] } };
    expect(m.accuracy).toBeCloseTo(runJson.evaluation.accuracy, 12);
    expect(m.confusion).toEqual(runJson.evaluation.confusion);

    const ev2 = await run(process.execPath, [cli, 'eval', path.join(out, 'model.onnx'), '--data', data, '--json', '--threads', '1', '--cache-dir', cache], {
      cwd: ROOT,
    });
    const m2 = JSON.parse(ev2.stdout) as Json & { confusion: number[][] };
    expect(m2.confusion).toEqual(m.confusion);
  });

  it('train into a folder that holds a run: refused without --force, started over with it', async () => {
    const out = path.join(path.dirname(projectPath), 'again');
    const flags = [
      cli,
      'train',
      projectPath,
      '--data',
      data,
      '--out',
      out,
      '--epochs',
      '1',
      '--batch',
      '8',
      '--device',
      'cpu',
      '--threads',
      '1',
      '--cache-dir',
      cache,
      '--json',
    ];
    await run(process.execPath, flags, { cwd: ROOT });
    const first = JSON.parse(await fs.readFile(path.join(out, 'run.json'), 'utf8')) as { createdAt: string };
    const refused = await run(process.execPath, flags, { cwd: ROOT }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(refused?.code).toBe(1);
    expect(refused?.stderr.trim()).toBe(
      `error: ${out} already holds a run (run.json): pass --resume to continue it, --force to start over in it, or choose another folder with --out`,
    );
    const again = await run(process.execPath, [...flags, '--force'], { cwd: ROOT });
    expect(
      again.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Json)
        .at(-1)!.type,
    ).toBe('done');
    const second = JSON.parse(await fs.readFile(path.join(out, 'run.json'), 'utf8')) as { createdAt: string; history: unknown[] };
    expect(second.createdAt > first.createdAt).toBe(true);
    expect(second.history).toHaveLength(1);
  });

  it('bad flags and impossible data give one clear line and exit code 1 (in process)', async () => {
    const lines: string[] = [];
    const io = { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t), setExitCode: () => undefined };
    expect(await runCli(['train', projectPath, '--data', data, '--optimizer', 'rmsprop'], io)).toBe(1);
    expect(lines.at(-1)).toMatch(/--optimizer: "rmsprop" is not one of sgd, adam, adamw/);
    expect(await runCli(['train', projectPath, '--data', data, '--resume'], io)).toBe(1);
    expect(lines.at(-1)).toMatch(/--resume needs --out/);
    expect(await runCli(['eval', path.join(path.dirname(projectPath), 'nope'), '--data', data], io)).toBe(1);
    expect(lines.at(-1)).toMatch(/no such file or folder/);
  });

  it('the CLI process killed (SIGKILL) after epoch 1: --resume ends exactly where an uninterrupted run ends', async () => {
    const dir = tempDir('trainer-');
    const big = await makeDataset(path.join(dir, 'data'), { perClass: 120, size: 16, seed: 5 });
    const proj = path.join(dir, 'p16.json');
    const p = tinyProject(16, { batchnorm: true });
    await fs.writeFile(proj, serializeProject({ name: p.name, model: p.model as ModelDocument, extra: {} }));
    const flags = (out: string): string[] => [
      cli,
      'train',
      proj,
      '--data',
      big,
      '--out',
      out,
      '--epochs',
      '3',
      '--batch',
      '4',
      '--seed',
      '11',
      '--device',
      'cpu',
      '--threads',
      '1',
      '--cache-dir',
      cache,
      '--json',
    ];
    await run(process.execPath, flags(path.join(dir, 'straight')), { cwd: ROOT });

    const out = path.join(dir, 'killed');
    const child = spawn(process.execPath, flags(out), { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, sig) => resolve(sig)));
    child.stdout.on('data', (d: Buffer) => {
      text += d.toString();
      if (/"type":"checkpoint","kind":"last"/.test(text)) child.kill('SIGKILL');
    });
    expect(await exited).toBe('SIGKILL');
    expect(text).not.toMatch(/"type":"done"/);
    const killedAt = (await readCheckpoint(path.join(out, 'last.ckpt'))).epoch;
    expect(killedAt).toBeLessThan(3);

    const r = await run(process.execPath, [...flags(out), '--resume'], { cwd: ROOT });
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Json);
    expect(events.find((e) => e.type === 'start')).toMatchObject({ startEpoch: killedAt + 1 });
    expect(events.at(-1)!.type).toBe('done');
    const want = await readCheckpoint(path.join(dir, 'straight', 'last.ckpt'));
    const got = await readCheckpoint(path.join(out, 'last.ckpt'));
    for (const m of ['weights', 'running', 'optimizerState'] as const) {
      for (const [k, v] of want[m]) expect(Buffer.from(got[m].get(k)!.buffer).equals(Buffer.from(v.buffer)), `${m} ${k}`).toBe(true);
    }
  });
});
