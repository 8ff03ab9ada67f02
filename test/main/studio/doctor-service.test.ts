/**
 * The doctor's backend methods through backend.call (payload validation included): a run of the
 * studio's runs folder judged on its data, and Move / Exclude / Undo confined to the dataset folder.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runTraining } from '../../../main/trainer/loop';
import type { Backend } from '../../../main/backend';
import { makeDataset, settings, tinyProject } from '../../helpers/trainer-fixtures';
import { testBackend } from '../../helpers/test-backend';
import { tempDir } from '../../helpers/temp-dir';

let backend: Backend;
let data: string;
let outside: string;

beforeAll(async () => {
  const home = tempDir('doctor-home-');
  data = await makeDataset(path.join(tempDir('doctor-data-'), 'data'), { classes: ['top', 'bottom'], perClass: 12 });
  outside = path.join(path.dirname(data), 'outside.png');
  await fs.copyFile(path.join(data, 'top', '000.png'), outside);
  const end = await runTraining(
    {
      project: tinyProject(8),
      dataDir: data,
      outDir: path.join(home, 'runs', 'run-1'),
      cacheDir: path.join(home, 'cache'),
      settings: settings({ epochs: 2 }),
      threads: 1,
    },
    () => undefined,
  );
  expect(end.type).toBe('done');
  backend = testBackend({ studioHome: home, trainStart: { mode: 'inline' }, trainThreads: 1 });
}, 120_000);

describe('doctor backend methods', () => {
  it('doctorRun reports on the run data by default', async () => {
    const logs: string[] = [];
    const stop = backend.on('log', (e) => logs.push(e.message));
    const r = await backend.call('doctorRun', { runId: 'run-1', folds: 2, epochs: 1 }).finally(stop);
    expect(logs).toEqual([expect.stringMatching(/^data doctor: fold 1 of 2: training on 12 images/), expect.stringMatching(/^data doctor: fold 2 of 2/)]);
    expect(r.data).toBe(data);
    expect(r.classes).toEqual(['bottom', 'top']);
    expect(r.method).toMatchObject({ folds: 2, epochs: 1, crossValidated: 24 });
    expect(Array.isArray(r.suspectedMislabels) && Array.isArray(r.duplicates) && Array.isArray(r.outliers)).toBe(true);
  }, 120_000);

  it('doctorRun refuses a run that is not there and a bad payload', async () => {
    await expect(backend.call('doctorRun', { runId: 'nope' })).rejects.toThrow(/nope/);
    await expect(backend.call('doctorRun', { runId: '../x' })).rejects.toThrow(/not a run id/);
    await expect(backend.call('doctorRun', { runId: 'run-1', folds: 1 })).rejects.toThrow(/folds/);
  });

  it('moves, excludes and undoes, counting what is left to undo', async () => {
    const moved = await backend.call('doctorMove', { dataDir: data, rel: 'top/003.png', toClass: 'bottom' });
    expect(moved).toMatchObject({ edit: { action: 'move', from: 'top/003.png', to: 'bottom/003-2.png' }, undoable: 1 });
    const excluded = await backend.call('doctorExclude', { dataDir: data, rel: 'bottom/001.png' });
    expect(excluded.undoable).toBe(2);
    expect((await backend.call('scanDataset', { path: data, valSplit: 0 })).classes.map((c) => c.train)).toEqual([12, 11]);
    expect((await backend.call('doctorUndo', { dataDir: data })).edit.action).toBe('exclude');
    expect((await backend.call('doctorUndo', { dataDir: data })).undoable).toBe(0);
    expect((await backend.call('scanDataset', { path: data, valSplit: 0 })).classes.map((c) => c.train)).toEqual([12, 12]);
    await expect(backend.call('doctorUndo', { dataDir: data })).rejects.toMatchObject({
      code: 'dataset-edit',
      message: expect.stringMatching(/nothing to undo/) as string,
    });
  });

  it.each(['../outside.png', '<absolute>', 'top/../../outside.png'])('refuses the hostile path %s', async (given) => {
    const rel = given === '<absolute>' ? path.join(data, 'top', '000.png') : given;
    await expect(backend.call('doctorMove', { dataDir: data, rel, toClass: 'bottom' })).rejects.toMatchObject({ code: 'dataset-edit' });
    await expect(backend.call('doctorExclude', { dataDir: data, rel })).rejects.toMatchObject({ code: 'dataset-edit' });
    expect(await fs.stat(outside).then(() => true)).toBe(true);
    expect(await fs.stat(path.join(data, 'top', '000.png')).then(() => true)).toBe(true);
  });

  it('validates the payload before touching anything', async () => {
    await expect(backend.call('doctorMove', { dataDir: data, rel: '', toClass: 'bottom' })).rejects.toThrow(/image path is required/);
    await expect(backend.call('doctorMove', { dataDir: data, rel: 'top/000.png' })).rejects.toThrow(/toClass/);
    await expect(backend.call('doctorExclude', { dataDir: data, rel: 'x'.repeat(5000) })).rejects.toThrow(/longer than 4096/);
  });
});
