/**
 * The bundled worker entry in each trainer host (a worker thread, a child process, Electron's
 * utility process through a fake over child_process.fork): pause/resume/cancel, a host killed
 * mid-epoch, and --resume after it ending exactly where an uninterrupted run ends.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startTraining, type TrainingRun } from '../../../main/trainer/start';
import { readCheckpoint } from '../../../main/trainer/checkpoint';
import { readRunJson } from '../../../main/trainer/run-folder';
import type { TrainEvent } from '../../../main/trainer/types';
import { makeDataset, options, tinyProject, workerScript } from '../../helpers/trainer-fixtures';
import { tempDir } from '../../helpers/temp-dir';
import { trainerHosts } from '../../helpers/trainer-hosts';

let script = '';
let data = '';
let cache = '';
beforeAll(async () => {
  script = await workerScript();
  data = await makeDataset(tempDir('trainer-'), { perClass: 40, size: 16 });
  cache = tempDir('trainer-');
});

function record(run: TrainingRun): TrainEvent[] {
  const events: TrainEvent[] = [];
  run.on((e) => events.push(e));
  return events;
}

const project = tinyProject(16, { batchnorm: true, dropout: 0.2 });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const HOSTS = trainerHosts();

describe.each(HOSTS)('training in a %s', (kind, host) => {
  it('pauses, resumes and cancels; the cancelled run keeps its last checkpoint', async () => {
    const out = path.join(tempDir('trainer-'), 'run');
    const run = startTraining(options(project, data, out, cache, { epochs: 50, batchSize: 4 }), { workerScript: script, host });
    const events = record(run);
    let paused = false;
    run.on((e) => {
      if (e.type === 'epoch' && e.epoch === 1 && !paused) {
        paused = true;
        run.pause();
      }
    });
    while (!events.some((e) => e.type === 'paused') && !events.some((e) => e.type === 'failed' || e.type === 'done')) await sleep(20);
    expect(
      events.some((e) => e.type === 'paused'),
      JSON.stringify(events.filter((e) => e.type !== 'progress')),
    ).toBe(true);
    const n = events.length;
    await sleep(300);
    expect(events.length).toBe(n); // nothing happens while paused
    run.resume();
    while (!events.some((e) => e.type === 'resumed')) await sleep(10);
    const at = events.findIndex((e) => e.type === 'resumed');
    while (!events.slice(at).some((e) => e.type === 'progress')) await sleep(10);
    run.cancel();
    const end = await run.finished;
    expect(end.type).toBe('cancelled');
    const ck = await readCheckpoint(path.join(out, 'last.ckpt'));
    expect(ck.epoch).toBeGreaterThanOrEqual(1);
    expect((await readRunJson(out)).status).toBe('cancelled');
  });

  it('a worker killed mid-epoch is reported; --resume ends where an uninterrupted run ends', async () => {
    const straight = path.join(tempDir('trainer-'), 'straight');
    const broken = path.join(tempDir('trainer-'), 'broken');
    const settings = {
      epochs: 2,
      batchSize: 4,
      optimizer: 'adamw' as const,
      schedule: { kind: 'onecycle' as const },
      augment: { cropPadding: 2, hflip: true },
    };

    const a = startTraining(options(project, data, straight, cache, settings), { workerScript: script, host });
    expect((await a.finished).type).toBe('done');

    const b = startTraining(options(project, data, broken, cache, settings), { workerScript: script, host });
    const events = record(b);
    let killed = false;
    b.on((e) => {
      if (e.type === 'progress' && e.epoch === 2 && !killed) {
        killed = true;
        void b.kill(); // held at the next step boundary mid-epoch, then ended without clean-up
      }
    });
    const end = await b.finished;
    expect(end.type).toBe('failed');
    expect(end.type === 'failed' && end.code).toBe('worker-exited');
    expect(end.type === 'failed' && end.message).toMatch(new RegExp(`^the training ${kind} was stopped during epoch 2; the checkpoint of epoch 1 is intact`));
    expect(events.some((e) => e.type === 'epoch' && e.epoch === 2)).toBe(false);
    expect((await readCheckpoint(path.join(broken, 'last.ckpt'))).epoch).toBe(1);

    const c = startTraining({ ...options(project, data, broken, cache, settings), resume: true }, { workerScript: script, host });
    const cEvents = record(c);
    expect((await c.finished).type, JSON.stringify(cEvents.filter((e) => e.type !== 'progress'))).toBe('done');
    expect(cEvents.find((e) => e.type === 'start')).toMatchObject({ startEpoch: 2 });

    const want = await readCheckpoint(path.join(straight, 'last.ckpt'));
    const got = await readCheckpoint(path.join(broken, 'last.ckpt'));
    expect(got.epoch).toBe(2);
    expect(got.step).toBe(want.step);
    for (const m of ['weights', 'running', 'optimizerState'] as const) {
      expect([...got[m].keys()]).toEqual([...want[m].keys()]);
      for (const [k, v] of want[m]) expect(Buffer.from(got[m].get(k)!.buffer).equals(Buffer.from(v.buffer)), `${m} ${k}`).toBe(true);
    }
    const runA = await readRunJson(straight);
    const runB = await readRunJson(broken);
    expect(runB.history.map((h) => h.valAccuracy)).toEqual(runA.history.map((h) => h.valAccuracy));
  });
});
