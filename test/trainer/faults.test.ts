/**
 * Faults that must end in a clear message, not a crash: corrupt files (the run completes and lists
 * them), an unwritable output folder, an empty folder or a single class (before any training).
 * The worker killed mid-epoch is in worker.test.ts.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTraining } from '../../main/trainer/start';
import { readRunJson } from '../../main/trainer/run-folder';
import type { TrainEvent } from '../../main/trainer/types';
import { cleanup, makeDataset, options, tinyProject, tmpDir } from './helpers';

afterAll(cleanup);

async function train(dataDir: string, outDir: string, over = {}): Promise<{ end: TrainEvent; events: TrainEvent[] }> {
  const run = startTraining(options(tinyProject(), dataDir, outDir, await tmpDir(), { epochs: 1, ...over }), { mode: 'inline' });
  const events: TrainEvent[] = [];
  run.on((e) => events.push(e));
  return { end: await run.finished, events };
}

describe('trainer faults', () => {
  it('corrupt files (1 in 50 per class) are skipped and reported; the run completes', async () => {
    const data = await makeDataset(await tmpDir(), { perClass: 50, corruptPerClass: 1, size: 8 });
    const out = path.join(await tmpDir(), 'run');
    const { end, events } = await train(data, out);
    expect(end.type).toBe('done');
    expect(end.type === 'done' && end.corrupt.map((c) => path.basename(c.path))).toEqual(['000.png', '000.png']);
    expect(events.some((e) => e.type === 'log' && e.level === 'warn' && /skipped 2 unreadable file/.test(e.message))).toBe(true);
    expect((await readRunJson(out)).data.corrupt).toHaveLength(2);
  });

  it('an output folder that cannot be created is a clear error before any work', async () => {
    const dir = await tmpDir();
    const data = await makeDataset(path.join(dir, 'data'), { perClass: 4 });
    await fs.writeFile(path.join(dir, 'file'), 'x');
    const { end, events } = await train(data, path.join(dir, 'file', 'run'));
    expect(end).toMatchObject({ type: 'failed', code: 'output-unwritable' });
    expect(end.type === 'failed' && end.message).toMatch(/cannot write the run folder .*file.run: a file is in the way/);
    expect(events.some((e) => e.type === 'data' || e.type === 'start')).toBe(false);
  });

  it.skipIf(process.getuid?.() === 0)('a read-only output folder is a clear error', async () => {
    const dir = await tmpDir();
    const data = await makeDataset(path.join(dir, 'data'), { perClass: 4 });
    const ro = path.join(dir, 'ro');
    await fs.mkdir(ro, { mode: 0o555 });
    const { end } = await train(data, path.join(ro, 'run'));
    expect(end).toMatchObject({ type: 'failed', code: 'output-unwritable' });
    expect(end.type === 'failed' && end.message).toMatch(/permission denied/);
  });

  it('a run folder inside the data folder is refused before anything is written', async () => {
    const data = await makeDataset(await tmpDir(), { perClass: 4 });
    const out = path.join(data, 'run1');
    const { end } = await train(data, out);
    expect(end).toMatchObject({ type: 'failed', code: 'output-in-data' });
    expect(end.type === 'failed' && end.message).toMatch(/inside the data folder .* choose --out outside it/);
    await expect(fs.access(out)).rejects.toThrow();
  });

  it('an empty folder and a single class fail before training, naming the folder', async () => {
    const empty = await tmpDir();
    const out = path.join(await tmpDir(), 'run');
    const a = await train(empty, out);
    expect(a.end).toMatchObject({ type: 'failed', code: 'dataset' });
    expect(a.end.type === 'failed' && a.end.message).toMatch(/no class folders in/);
    expect(a.events.some((e) => e.type === 'start')).toBe(false);

    const one = await makeDataset(await tmpDir(), { classes: ['only'], perClass: 6 });
    const out2 = path.join(await tmpDir(), 'run');
    const b = await train(one, out2);
    expect(b.end).toMatchObject({ type: 'failed', code: 'one-class' });
    expect(b.end.type === 'failed' && b.end.message).toMatch(/only one class folder \(only\)/);
    await expect(fs.access(path.join(out2, 'last.ckpt'))).rejects.toThrow();
  });

  it('resume without a checkpoint, and a second run into the same folder, are refused', async () => {
    const data = await makeDataset(await tmpDir(), { perClass: 6 });
    const out = path.join(await tmpDir(), 'run');
    const r = startTraining({ ...options(tinyProject(), data, out, await tmpDir()), resume: true }, { mode: 'inline' });
    expect(await r.finished).toMatchObject({ type: 'failed', code: 'nothing-to-resume' });
    expect((await train(data, out)).end.type).toBe('done');
    expect((await train(data, out)).end).toMatchObject({ type: 'failed', code: 'run-exists' });
  });

  it('bad settings are refused with the setting named', async () => {
    const data = await makeDataset(await tmpDir(), { perClass: 4 });
    const { end } = await train(data, path.join(await tmpDir(), 'run'), { lr: -1 });
    expect(end).toMatchObject({ type: 'failed', code: 'bad-settings' });
    expect(end.type === 'failed' && end.message).toMatch(/learning rate/);
  });
});
