/**
 * What a person sees from the command line when a path is wrong (issue 15): one line that names
 * the file and says what to do, never a bare system code (ENOENT, EISDIR, ENOTDIR) or a temp
 * file's name; --force alike on every command that writes a file; --cache-dir everywhere.
 * Runs the bundled CLI in its own process, as `npx cnn-studio` would.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCli, spawnCli } from '../helpers/cli-io';
import { tempDir } from '../helpers/temp-dir';

let cli = '';
let remove: () => Promise<void> = async () => undefined;
let dir = '';

const RAW_CODE = /\bE[A-Z]{3,}\b|\.tmp\b|\n\s+at /;

async function studio(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const r = await spawnCli(cli, args, dir);
  expect(r.err, `cnn-studio ${args.join(' ')}`).not.toMatch(RAW_CODE);
  return r;
}

beforeAll(async () => {
  ({ cli, remove } = await bundleCli('cli-messages'));
  dir = tempDir('cli-messages-');
  mkdirSync(path.join(dir, 'empty'));
  mkdirSync(path.join(dir, 'models'));
  mkdirSync(path.join(dir, 'run'));
  writeFileSync(path.join(dir, 'run', 'run.json'), '{}');
  writeFileSync(path.join(dir, 'run', 'project.json'), '{}');
  mkdirSync(path.join(dir, 'ckpts'));
  writeFileSync(path.join(dir, 'ckpts', 'epoch3.ckpt'), 'not a checkpoint');
  expect((await spawnCli(cli, ['template', 'lenet5', '-o', 'p.json'], dir)).code).toBe(0);
}, 60_000);

afterAll(async () => {
  await remove();
});

describe('cnn-studio: paths given wrong', () => {
  it('train with a missing project, a folder, or a run folder says which file to give', async () => {
    const missing = await studio('train', 'missing.json', '--data', 'empty');
    expect(missing.code).toBe(1);
    expect(missing.err.trim()).toBe('error: missing.json: no such file; give the path of a project file (.json), e.g. one written by "cnn-studio template"');

    const folder = await studio('train', 'models', '--data', 'empty');
    expect(folder.err.trim()).toBe('error: models is a folder, not a project file (.json); it holds no .json file');
    writeFileSync(path.join(dir, 'models', 'a.json'), '{}');
    expect((await studio('train', 'models', '--data', 'empty')).err).toMatch(
      /models is a folder, not a project file \(\.json\); pass one of its files: models\/a\.json/,
    );

    const run = await studio('train', 'run', '--data', 'empty');
    expect(run.err.trim()).toBe(
      `error: run is a training run folder, not a project file: pass ${path.join('run', 'project.json')} (its model), or --resume --out run to continue that run`,
    );
  });

  it('export -o FOLDER writes FOLDER/<name>.onnx; a missing folder or a file in the path is named', async () => {
    const r = await studio('export', 'p.json', '-o', 'models/');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^wrote models\/p\.onnx /);
    expect(existsSync(path.join(dir, 'models', 'p.onnx'))).toBe(true);
    // Without the trailing slash an existing folder is a folder too.
    expect((await studio('export', 'p.json', '-o', 'empty')).out).toMatch(/^wrote empty\/p\.onnx /);

    expect((await studio('export', 'p.json', '-o', 'nowhere/')).err.trim()).toBe('error: nowhere/: no such folder; create it first, or give a file name');
    expect((await studio('export', 'p.json', '-o', 'nowhere/m.onnx')).err.trim()).toBe(
      `error: cannot write nowhere/m.onnx: the folder ${path.join(dir, 'nowhere')} does not exist; create it first`,
    );
    expect((await studio('export', 'p.json', '-o', 'p.json/m.onnx')).err.trim()).toBe(
      `error: cannot write p.json/m.onnx: ${path.join(dir, 'p.json')} is a file, not a folder`,
    );
  });

  it('export --checkpoint takes a run folder or names the checkpoint to pass', async () => {
    expect((await studio('export', 'p.json', '--checkpoint', 'empty', '-o', 'x.onnx')).err.trim()).toBe(
      'error: empty is a folder with no checkpoint (.ckpt); pass a checkpoint file or a training run folder (with best.ckpt)',
    );
    expect((await studio('export', 'p.json', '--checkpoint', 'ckpts', '-o', 'x.onnx')).err.trim()).toBe(
      `error: ckpts is a folder without best.ckpt or last.ckpt; pass the checkpoint file: ${path.join('ckpts', 'epoch3.ckpt')}`,
    );
    // A run folder's best.ckpt is read (here it is not a checkpoint, and the message says so by name).
    writeFileSync(path.join(dir, 'run', 'best.ckpt'), 'not a checkpoint either');
    expect((await studio('export', 'p.json', '--checkpoint', 'run', '-o', 'x.onnx')).err).toMatch(/run\/best\.ckpt/);
    expect(existsSync(path.join(dir, 'x.onnx'))).toBe(false);
  });

  it('predict, eval and import given a project give command-line advice', async () => {
    const p = await studio('predict', 'p.json', 'img.png');
    expect(p.code).toBe(1);
    expect(p.err).toMatch(
      /^error: p\.json is a JSON file \(a CNN Studio project\?\), not an ONNX model: train it with "cnn-studio train p\.json --data DIR", then predict with the run folder/,
    );
    expect(p.err).toMatch(/"cnn-studio export p\.json -o model\.onnx"/);
    expect(p.err).not.toMatch(/Open project/);
    expect((await studio('eval', 'p.json', '--data', 'empty')).err).toMatch(/then eval with the run folder/);
    expect((await studio('import', 'p.json', '-o', 'q.json')).err).toMatch(/it is already a project: open it in the studio \("cnn-studio serve p\.json"\)/);
  });
});

describe('cnn-studio: one vocabulary', () => {
  it('every command that writes a file refuses to overwrite it without --force', async () => {
    const before = readFileSync(path.join(dir, 'p.json'), 'utf8');
    const t = await studio('template', 'resnet18', '-o', 'p.json');
    expect(t.code).toBe(1);
    expect(t.err.trim()).toBe('error: p.json exists; pass --force to overwrite it');
    expect(readFileSync(path.join(dir, 'p.json'), 'utf8')).toBe(before);
    expect((await studio('template', 'lenet5', '-o', 'p.json', '--force')).code).toBe(0);

    expect((await studio('export', 'p.json', '-o', 'models')).err.trim()).toBe('error: models/p.onnx exists; pass --force to overwrite it');
    expect((await studio('export', 'p.json', '-o', 'models', '--force')).code).toBe(0);

    expect((await studio('export-pytorch', 'p.json', '-o', 'py')).code).toBe(0);
    expect((await studio('export-pytorch', 'p.json', '-o', 'py')).err).toMatch(
      /^error: py already holds model\.py, .*; pass --force to overwrite them, or choose another folder/,
    );
    expect((await studio('export-pytorch', 'p.json', '-o', 'py', '--force')).code).toBe(0);

    for (const cmd of ['template', 'export', 'import', 'export-pytorch', 'train']) {
      expect((await spawnCli(cli, [cmd, '--help'], dir)).out, cmd).toMatch(/-f, --force/);
    }
  });

  it('--cache-dir on every command that decodes images; train and eval keep --cache as a hidden alias', async () => {
    for (const cmd of ['dataset', 'train', 'eval']) {
      const help = (await spawnCli(cli, [cmd, '--help'], dir)).out;
      expect(help, cmd).toMatch(/--cache-dir <DIR>/);
      expect(help, cmd).not.toMatch(/--cache </);
    }
    const old = await studio('eval', 'run', '--data', 'nowhere', '--cache', 'c');
    expect(old.err).toMatch(/^warning: --cache is now called --cache-dir/);
  });
});
