/**
 * Faults that must end in a clear message, not a crash: corrupt files (the run completes and lists
 * them), an unwritable output folder, an empty folder or a single class (before any training).
 * The worker killed mid-epoch is in worker.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { build } from 'esbuild';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTraining } from '../../../main/trainer/start';
import { readRunJson } from '../../../main/trainer/run-folder';
import type { TrainEvent } from '../../../main/trainer/types';
import { makeDataset, options, tinyProject } from '../../helpers/trainer-fixtures';
import { tempDir } from '../../helpers/temp-dir';

async function train(dataDir: string, outDir: string, over = {}): Promise<{ end: TrainEvent; events: TrainEvent[] }> {
  const run = startTraining(options(tinyProject(), dataDir, outDir, tempDir('trainer-'), { epochs: 1, ...over }), { mode: 'inline' });
  const events: TrainEvent[] = [];
  run.on((e) => events.push(e));
  return { end: await run.finished, events };
}

describe('trainer faults', () => {
  it('corrupt files (1 in 50 per class) are skipped and reported; the run completes', async () => {
    const data = await makeDataset(tempDir('trainer-'), { perClass: 50, corruptPerClass: 1, size: 8 });
    const out = path.join(tempDir('trainer-'), 'run');
    const { end, events } = await train(data, out);
    expect(end.type).toBe('done');
    expect(end.type === 'done' && end.corrupt.map((c) => path.basename(c.path))).toEqual(['000.png', '000.png']);
    expect(events.some((e) => e.type === 'log' && e.level === 'warn' && /skipped 2 unreadable file/.test(e.message))).toBe(true);
    expect((await readRunJson(out)).data.corrupt).toHaveLength(2);
  });

  it('an output folder that cannot be created is a clear error before any work', async () => {
    const dir = tempDir('trainer-');
    const data = await makeDataset(path.join(dir, 'data'), { perClass: 4 });
    await fs.writeFile(path.join(dir, 'file'), 'x');
    const { end, events } = await train(data, path.join(dir, 'file', 'run'));
    expect(end).toMatchObject({ type: 'failed', code: 'output-unwritable' });
    expect(end.type === 'failed' && end.message).toMatch(/cannot write the run folder .*file.run: a file is in the way/);
    expect(events.some((e) => e.type === 'data' || e.type === 'start')).toBe(false);
  });

  it.skipIf(process.getuid?.() === 0)('a read-only output folder is a clear error', async () => {
    const dir = tempDir('trainer-');
    const data = await makeDataset(path.join(dir, 'data'), { perClass: 4 });
    const ro = path.join(dir, 'ro');
    await fs.mkdir(ro, { mode: 0o555 });
    const { end } = await train(data, path.join(ro, 'run'));
    expect(end).toMatchObject({ type: 'failed', code: 'output-unwritable' });
    expect(end.type === 'failed' && end.message).toMatch(/permission denied/);
  });

  // Root writes anywhere, so as root (CI) the same check runs in a process dropped to `nobody`:
  // the trainer's folder check, bundled into a world-readable folder, on a folder nobody may write.
  it.runIf(process.getuid?.() === 0)('a read-only output folder is a clear error (checked as user nobody)', async () => {
    const dir = tempDir('trainer-');
    await fs.chmod(dir, 0o755);
    const script = path.join(dir, 'write-check.cjs');
    await build({
      entryPoints: [path.join(__dirname, '../../helpers/write-check-entry.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: script,
      logLevel: 'error',
    });
    await fs.chmod(script, 0o644);
    const ro = path.join(dir, 'ro');
    await fs.mkdir(ro, { mode: 0o555 });
    const asNobody = (target: string) =>
      spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, script, target], { encoding: 'utf8', cwd: dir });
    const denied = asNobody(path.join(ro, 'run'));
    expect(denied.stderr).toBe('');
    expect(denied.stdout.trim()).toBe(`cannot write the run folder ${path.join(ro, 'run')}: permission denied; choose another folder with --out`);
    // The same user may write a folder that allows it: the refusal above is the mode, not the setup.
    const open = path.join(dir, 'open');
    await fs.mkdir(open, { mode: 0o777 });
    await fs.chmod(open, 0o777);
    expect(asNobody(path.join(open, 'run')).stdout.trim()).toBe('writable');
  });

  it('a run folder inside the data folder is refused before anything is written', async () => {
    const data = await makeDataset(tempDir('trainer-'), { perClass: 4 });
    const out = path.join(data, 'run1');
    const { end } = await train(data, out);
    expect(end).toMatchObject({ type: 'failed', code: 'output-in-data' });
    expect(end.type === 'failed' && end.message).toMatch(/inside the data folder .* choose --out outside it/);
    await expect(fs.access(out)).rejects.toThrow();
  });

  it('an empty folder and a single class fail before training, naming the folder', async () => {
    const empty = tempDir('trainer-');
    const out = path.join(tempDir('trainer-'), 'run');
    const a = await train(empty, out);
    expect(a.end).toMatchObject({ type: 'failed', code: 'dataset' });
    expect(a.end.type === 'failed' && a.end.message).toMatch(/no class folders in/);
    expect(a.events.some((e) => e.type === 'start')).toBe(false);

    const one = await makeDataset(tempDir('trainer-'), { classes: ['only'], perClass: 6 });
    const out2 = path.join(tempDir('trainer-'), 'run');
    const b = await train(one, out2);
    expect(b.end).toMatchObject({ type: 'failed', code: 'one-class' });
    expect(b.end.type === 'failed' && b.end.message).toMatch(/only one class folder \(only\)/);
    await expect(fs.access(path.join(out2, 'last.ckpt'))).rejects.toThrow();
  });

  it('resume without a checkpoint, and a second run into the same folder, are refused', async () => {
    const data = await makeDataset(tempDir('trainer-'), { perClass: 6 });
    const out = path.join(tempDir('trainer-'), 'run');
    const r = startTraining({ ...options(tinyProject(), data, out, tempDir('trainer-')), resume: true }, { mode: 'inline' });
    expect(await r.finished).toMatchObject({ type: 'failed', code: 'nothing-to-resume' });
    expect((await train(data, out)).end.type).toBe('done');
    expect((await train(data, out)).end).toMatchObject({ type: 'failed', code: 'run-exists' });
  });

  it('bad settings are refused with the setting named', async () => {
    const data = await makeDataset(tempDir('trainer-'), { perClass: 4 });
    const { end } = await train(data, path.join(tempDir('trainer-'), 'run'), { lr: -1 });
    expect(end).toMatchObject({ type: 'failed', code: 'bad-settings' });
    expect(end.type === 'failed' && end.message).toMatch(/learning rate/);
  });
});
