/**
 * The desktop app's training wiring: main/electron/main.ts gives the backend a utility-process
 * host, so a run started through the backend trains — and an evaluation runs — in a process forked
 * with Electron's `utilityProcess` (here the fake over child_process.fork, with the bundled worker
 * entry), named for app.getAppMetrics() and started with TRAINER_ENV.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunView, TrainSettingsInput } from '../../../core/api';
import type { Backend } from '../../../main/backend';
import { TRAINER_ENV } from '../../../main/trainer/process-env';
import type { FakeUtilityProcess } from '../../helpers/fake-utility-process';
import { makeDataset, tinyProject, workerScript } from '../../helpers/trainer-fixtures';
import { tempDir } from '../../helpers/temp-dir';

const rec = vi.hoisted(() => ({ backends: [] as unknown[] }));

// Only what main.ts touches while it loads; the app never becomes ready here.
vi.mock('electron', async () => {
  const { fakeUtilityProcess } = await import('../../helpers/fake-utility-process');
  return {
    utilityProcess: fakeUtilityProcess(),
    app: { isPackaged: false, on: vi.fn(), whenReady: () => new Promise<never>(() => undefined) },
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
    BrowserWindow: {},
    Menu: {},
    dialog: {},
    ipcMain: {},
    session: {},
    shell: {},
  };
});

// The real Backend, recorded as main.ts constructs it.
vi.mock('../../../main/backend', async (importOriginal) => {
  const m = await importOriginal<typeof import('../../../main/backend')>();
  class RecordedBackend extends m.Backend {
    constructor(o: ConstructorParameters<typeof m.Backend>[0]) {
      super(o);
      rec.backends.push(this);
    }
  }
  return { ...m, Backend: RecordedBackend };
});

const SETTINGS: TrainSettingsInput = {
  epochs: 1,
  batchSize: 8,
  optimizer: 'adamw',
  lr: 0.01,
  schedule: 'constant',
  weightDecay: 0,
  labelSmoothing: 0,
  augment: false,
  device: 'cpu',
  valSplit: 0.25,
  seed: 0,
};

let backend: Backend;
let utility: FakeUtilityProcess;
let data: string;

beforeAll(async () => {
  vi.stubEnv('CNN_STUDIO_HOME', tempDir('electron-home-'));
  vi.stubEnv('CNN_STUDIO_TRAIN_WORKER', await workerScript());
  data = await makeDataset(path.join(tempDir('electron-data-'), 'data'), { perClass: 12 });
  await import('../../../main/electron/main');
  expect(rec.backends).toHaveLength(1);
  backend = rec.backends[0] as Backend;
  utility = (await import('electron')).utilityProcess as unknown as FakeUtilityProcess;
});

afterAll(async () => {
  await backend.close();
  vi.unstubAllEnvs();
});

describe('Electron main process: training wiring', () => {
  it('trains and evaluates in a utility process named "CNN Studio trainer", started with TRAINER_ENV', async () => {
    const started = await backend.call('trainStart', { project: tinyProject(8), dataDir: data, settings: SETTINGS });
    const end = await new Promise<RunView>((resolve) => {
      const off = backend.on('run', (v) => {
        if (v.id === started.id && (v.status === 'done' || v.status === 'failed')) {
          off();
          resolve(v);
        }
      });
    });
    expect(end.error).toBeNull();
    expect(end.status).toBe('done');
    expect(utility.forks).toHaveLength(1);

    const report = await backend.call('evaluateRun', { runId: started.id, dataDir: data });
    expect(report.samples).toBe(24);
    expect(utility.forks).toHaveLength(2);
    for (const f of utility.forks) {
      expect(f.modulePath).toBe(process.env.CNN_STUDIO_TRAIN_WORKER);
      expect(f.options).toMatchObject({ serviceName: 'CNN Studio trainer', env: { ...TRAINER_ENV, PATH: process.env.PATH } });
    }
  });
});
