/**
 * Pause, resume and stop of a studio run, and one run at a time: through Backend.call with the
 * trainer inline (the same control path as the worker; events arrive as `run` views).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Backend } from '../../../main/backend';
import { startServer } from '../../../main/server/server';
import { staticSite } from '../../helpers/test-backend';
import { projectCodec } from '../../../main/project-codec';
import { RUN_STEP_POINTS, type RunStatus, type RunView, type TrainSettingsInput } from '../../../core/api';
import { addStepPoint, newStepTrace } from '../../../main/studio/training-service';
import { makeDataset, tinyProject } from '../../helpers/trainer-fixtures';
import { tempDir } from '../../helpers/temp-dir';

const SETTINGS: TrainSettingsInput = {
  epochs: 200,
  batchSize: 4,
  optimizer: 'sgd',
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
let data: string;

function until(status: RunStatus): Promise<RunView> {
  return new Promise((resolve) => {
    const off = backend.on('run', (v) => {
      if (v.status === status) {
        off();
        resolve(v);
      }
    });
  });
}

beforeAll(async () => {
  data = await makeDataset(path.join(tempDir('studio-ctl-'), 'data'), { perClass: 8 });
  backend = new Backend({ host: 'test', codec: projectCodec, studioHome: tempDir('studio-ctl-home-'), trainStart: { mode: 'inline' }, trainThreads: 1 });
});

afterAll(async () => {
  await backend.close();
});

describe('step points for a reloaded page', () => {
  it('keep x order and an even stride past RUN_STEP_POINTS', () => {
    const t = newStepTrace();
    for (let i = 0; i < 5000; i++) addStepPoint(t, { x: i / 100, loss: 1 / (i + 1), lr: 0.1 });
    addStepPoint(t, { x: 1, loss: 0, lr: 0 });
    expect(t.points.length).toBeLessThanOrEqual(RUN_STEP_POINTS);
    expect(t.points.length).toBeGreaterThan(RUN_STEP_POINTS / 2);
    expect(t.points[0]!.x).toBe(0);
    expect(t.points.at(-1)!.x).toBeGreaterThan(49.99 - t.stride / 100);
    // Every kept point is a multiple of the stride: evenly spaced over the whole run.
    const gaps = t.points.slice(1).map((p, i) => Math.round((p.x - t.points[i]!.x) * 100));
    expect(new Set(gaps)).toEqual(new Set([t.stride]));
  });
});

describe('run control', () => {
  it('pauses, resumes and stops a run; a second run is refused while one trains', async () => {
    const running = until('running');
    const run = await backend.call('trainStart', { project: tinyProject(8), dataDir: data, settings: SETTINGS });
    await running;
    await expect(backend.call('trainStart', { project: tinyProject(8), dataDir: data, settings: SETTINGS })).rejects.toThrow(/still training/);
    const paused = until('paused');
    await backend.call('trainControl', { runId: run.id, action: 'pause' });
    expect((await paused).status).toBe('paused');
    const resumed = until('running');
    await backend.call('trainControl', { runId: run.id, action: 'resume' });
    await resumed;
    const cancelled = until('cancelled');
    await backend.call('trainControl', { runId: run.id, action: 'stop' });
    const end = await cancelled;
    expect(end.history.length).toBeLessThan(200);
    const listed = (await backend.call('listRuns', {})).find((r) => r.id === run.id)!;
    expect(listed.status).toBe('cancelled');
    const xs = listed.steps!.map((p) => p.x);
    expect(xs.length).toBeGreaterThan(0);
    expect(xs.every((x, i) => i === 0 || x > xs[i - 1]!)).toBe(true);
    await expect(backend.call('trainControl', { runId: 'no-such-run', action: 'stop' })).rejects.toThrow(/not training/);

    // A page that connects after the run ended (a reload racing the run's last event) is told
    // the run's current state first, so it does not keep showing it as training.
    const server = await startServer({ backend, staticDir: staticSite(), port: 0 });
    try {
      const ws = new WebSocket(`${server.openUrl.replace('http', 'ws')}events`);
      const first = await new Promise<{ event: string; payload: RunView }>((resolve) => ws.once('message', (m) => resolve(JSON.parse(String(m)))));
      expect(first.event).toBe('run');
      expect(first.payload.id).toBe(run.id);
      expect(first.payload.status).toBe('cancelled');
      // With the step curve so far, which a reloaded page cannot have collected.
      expect(first.payload.steps!.length).toBeGreaterThan(0);
      ws.close();
    } finally {
      await server.close();
    }
  }, 120_000);
});
