/**
 * What the process hosts add to the worker thread: the trainer's own process, started with
 * TRAINER_ENV; a process killed from outside (the OOM killer, a crash) reported with its signal or
 * exit code while the last checkpoint stays whole; and no process left behind after a job.
 * The utility process is Electron's API over child_process.fork (fake-utility-process.ts).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../../main/trainer/checkpoint';
import { evaluateOffThread } from '../../../main/trainer/evaluate-off-thread';
import { TrainError } from '../../../main/trainer/run-folder';
import { processHost } from '../../../main/trainer/host-process';
import { threadHost } from '../../../main/trainer/host-thread';
import type { HostEnd, TrainerHost, TrainerHostFactory } from '../../../main/trainer/host-types';
import { utilityProcessHost } from '../../../main/trainer/host-utility';
import { TRAINER_ENV } from '../../../main/trainer/process-env';
import { defaultHost, startTraining } from '../../../main/trainer/start';
import type { TrainEvent } from '../../../main/trainer/types';
import { fakeUtilityProcess } from '../../helpers/fake-utility-process';
import { makeDataset, options, tinyProject, workerScript } from '../../helpers/trainer-fixtures';
import { tempDir } from '../../helpers/temp-dir';

let script = '';
let data = '';
let cache = '';
beforeAll(async () => {
  script = await workerScript();
  data = await makeDataset(tempDir('trainer-'), { perClass: 24, size: 8 });
  cache = tempDir('trainer-');
});

/** A host factory that keeps every host it starts and how each ended. */
function recording(base: TrainerHostFactory): { factory: TrainerHostFactory; hosts: TrainerHost[]; ends: Promise<HostEnd>[] } {
  const hosts: TrainerHost[] = [];
  const ends: Promise<HostEnd>[] = [];
  const factory: TrainerHostFactory = (s, init, on) => {
    let ended!: (e: HostEnd) => void;
    ends.push(new Promise((r) => (ended = r)));
    const host = base(s, init, {
      message: on.message,
      end: (e) => {
        ended(e);
        on.end(e);
      },
    });
    hosts.push(host);
    return host;
  };
  return { factory, hosts, ends };
}

function untilEvent(run: ReturnType<typeof startTraining>, test: (e: TrainEvent) => boolean): Promise<TrainEvent> {
  return new Promise((resolve) => {
    const off = run.on((e) => {
      if (test(e)) {
        off();
        resolve(e);
      }
    });
  });
}

const utility = fakeUtilityProcess();
const PROCESS_HOSTS: [string, TrainerHostFactory, RegExp][] = [
  ['child process', processHost(), /^the training child process was ended by signal SIGKILL during epoch (\d+); the checkpoint of epoch (\d+) is intact/],
  [
    'utility process',
    utilityProcessHost(utility),
    /^the training utility process exited unexpectedly \(exit code 9; if a signal ended it, SIGKILL: Electron reports a signal as its number\) during epoch (\d+); the checkpoint of epoch (\d+) is intact/,
  ],
];

describe.each(PROCESS_HOSTS)('a %s', (_kind, base, killedMessage) => {
  it.runIf(process.platform === 'linux')("starts with TRAINER_ENV and this process's environment", async () => {
    const rec = recording(base);
    const run = startTraining(options(tinyProject(), data, path.join(tempDir('trainer-'), 'run'), cache, { epochs: 50 }), {
      workerScript: script,
      host: rec.factory,
    });
    await untilEvent(run, (e) => e.type === 'start');
    const pid = rec.hosts[0]!.pid!;
    expect(pid).not.toBe(process.pid);
    const environ = (await fs.readFile(`/proc/${pid}/environ`, 'utf8')).split('\0');
    for (const [k, v] of Object.entries(TRAINER_ENV)) expect(environ).toContain(`${k}=${v}`);
    expect(environ).toContain(`PATH=${process.env.PATH}`);
    run.cancel();
    expect((await run.finished).type).toBe('cancelled');
  });

  it('killed from outside: the error names the signal, the last checkpoint stays whole, the process is gone', async () => {
    const out = path.join(tempDir('trainer-'), 'run');
    const rec = recording(base);
    const run = startTraining(options(tinyProject(), data, out, cache, { epochs: 50 }), { workerScript: script, host: rec.factory });
    await untilEvent(run, (e) => e.type === 'epoch' && e.epoch === 1);
    run.pause();
    await untilEvent(run, (e) => e.type === 'paused');
    // Epochs are tiny: under load the pause may land after epoch 2, so pin what was saved before the kill.
    const saved = (await readCheckpoint(path.join(out, 'last.ckpt'))).epoch;
    expect(saved).toBeGreaterThanOrEqual(1);
    process.kill(rec.hosts[0]!.pid!, 'SIGKILL');
    const end = await run.finished;
    expect(end).toMatchObject({ type: 'failed', code: 'worker-exited' });
    const m = killedMessage.exec(end.type === 'failed' ? end.message : '');
    expect(m, end.type === 'failed' ? end.message : end.type).not.toBeNull();
    expect([Number(m![1]), Number(m![2])]).toEqual([saved + 1, saved]);
    expect((await readCheckpoint(path.join(out, 'last.ckpt'))).epoch).toBe(saved);
    expect(await rec.ends[0]).toMatchObject({ error: null });
  });

  it('ignores Ctrl-C (SIGINT, which a terminal sends to the whole process group): the parent decides', async () => {
    const rec = recording(base);
    const run = startTraining(options(tinyProject(), data, path.join(tempDir('trainer-'), 'run'), cache, { epochs: 50 }), {
      workerScript: script,
      host: rec.factory,
    });
    await untilEvent(run, (e) => e.type === 'start');
    process.kill(rec.hosts[0]!.pid!, 'SIGINT');
    await untilEvent(run, (e) => e.type === 'epoch' || e.type === 'failed');
    run.cancel();
    expect((await run.finished).type).toBe('cancelled');
  });

  it('ends its process once a run is done', async () => {
    const rec = recording(base);
    const run = startTraining(options(tinyProject(), data, path.join(tempDir('trainer-'), 'run'), cache, { epochs: 1 }), {
      workerScript: script,
      host: rec.factory,
    });
    expect((await run.finished).type).toBe('done');
    // Resolves only when the process has exited (a lingering one times the test out).
    expect(await rec.ends[0]!).toEqual({ code: 0, signal: null, error: null });
  });
});

describe('utility process host', () => {
  it('forks the script with a service name and the whole environment (Electron replaces it); evaluations fail with their message', async () => {
    const fake = fakeUtilityProcess();
    const missing = path.join(tempDir('trainer-'), 'no-run-here');
    const err = await evaluateOffThread(missing, data, {}, { workerScript: script, host: utilityProcessHost(fake) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainError);
    expect((err as Error).message).toMatch(/no-run-here/);
    expect(fake.forks).toHaveLength(1);
    expect(fake.forks[0]).toMatchObject({
      modulePath: script,
      args: [],
      options: { serviceName: 'CNN Studio trainer', stdio: 'inherit', env: { ...TRAINER_ENV, PATH: process.env.PATH } },
    });
  });

  it('a script that cannot load is reported with its exit code', async () => {
    const missing = path.join(tempDir('trainer-'), 'no-such-worker.cjs');
    const run = startTraining(options(tinyProject(), data, path.join(tempDir('trainer-'), 'run'), cache), {
      workerScript: missing,
      host: utilityProcessHost(fakeUtilityProcess(), { env: {} }),
    });
    const end = await run.finished;
    expect(end).toMatchObject({ type: 'failed', code: 'worker-exited' });
    expect(end.type === 'failed' && end.message).toBe(
      'the training utility process exited unexpectedly (exit code 1) during epoch 1; no epoch had finished, so there is no checkpoint to resume from',
    );
  });
});

describe('default host', () => {
  it('is a worker thread; CNN_STUDIO_TRAINER_HOST=process picks a child process', () => {
    expect(defaultHost({})).toBe(threadHost);
    expect(defaultHost({ CNN_STUDIO_TRAINER_HOST: 'thread' })).toBe(threadHost);
    expect(defaultHost({ CNN_STUDIO_TRAINER_HOST: 'process' })).not.toBe(threadHost);
    expect(() => defaultHost({ CNN_STUDIO_TRAINER_HOST: 'gpu' })).toThrow(/CNN_STUDIO_TRAINER_HOST must be "thread" or "process", not "gpu"/);
  });
});
