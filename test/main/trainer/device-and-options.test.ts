/** Device choice with fallback reasons, early stopping, and the SGD / step / label-smoothing path. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExecutionProviderInfo } from '../../../core/api';
import { resolveDevice } from '../../../main/trainer/device';
import { startTraining } from '../../../main/trainer/start';
import type { TrainEvent } from '../../../main/trainer/types';
import { makeDataset, options, tinyProject } from '../../helpers/trainer-fixtures';
import { tempDir } from '../../helpers/temp-dir';

const info = (name: ExecutionProviderInfo['name'], available: boolean, reason: string | null = null): ExecutionProviderInfo => ({
  name,
  label: name.toUpperCase(),
  offered: true,
  available,
  reason,
  probeMs: 1,
});

describe('device choice', () => {
  it('auto takes the best provider that loads; otherwise CPU with the reason', async () => {
    expect(await resolveDevice('auto', async () => [info('cpu', true), info('cuda', false, 'no driver'), info('webgpu', true)])).toEqual({
      device: 'webgpu',
      fallbackReason: null,
    });
    expect(await resolveDevice('auto', async () => [info('cpu', true), info('cuda', true), info('webgpu', true)])).toEqual({
      device: 'cuda',
      fallbackReason: null,
    });
    const r = await resolveDevice('auto', async () => [info('cpu', true), info('cuda', false, 'Failed to load shared library')]);
    expect(r.device).toBe('cpu');
    expect(r.fallbackReason).toMatch(/^no GPU works here\. CUDA: not installed \(run npm run setup:cuda\)\. \(details: /);
    const c = await resolveDevice('cuda', async () => [info('cpu', true), info('cuda', false, 'no driver')]);
    expect(c).toEqual({ device: 'cpu', fallbackReason: 'CUDA is not available: did not load (details: Machine in the studio, or `cnn-studio devices`)' });
    expect(
      await resolveDevice('cpu', async () => {
        throw new Error('not probed');
      }),
    ).toEqual({ device: 'cpu', fallbackReason: null });
  });

  it('a run asked for an unavailable device trains on the CPU and says why', async () => {
    const data = await makeDataset(tempDir('trainer-'), { perClass: 8 });
    const run = startTraining(options(tinyProject(), data, path.join(tempDir('trainer-'), 'run'), tempDir('trainer-'), { epochs: 1, device: 'cuda' }), {
      mode: 'inline',
      hooks: { probe: async () => [info('cpu', true), info('cuda', false, 'no NVIDIA driver')] },
    });
    const events: TrainEvent[] = [];
    run.on((e) => events.push(e));
    expect((await run.finished).type).toBe('done');
    expect(
      events.find((e) => e.type === 'log' && e.level === 'warn' && /training on the CPU: CUDA is not available: needs an NVIDIA driver/.test(e.message)),
    ).toBeTruthy();
    expect(events.find((e) => e.type === 'start')).toMatchObject({ device: 'cpu' });
  });
});

describe('options', () => {
  it('early stopping ends the run when validation accuracy stops improving', async () => {
    const data = await makeDataset(tempDir('trainer-'), { perClass: 8 });
    const run = startTraining(options(tinyProject(), data, path.join(tempDir('trainer-'), 'run'), tempDir('trainer-'), { epochs: 6, lr: 1e-12, patience: 2 }), {
      mode: 'inline',
    });
    const events: TrainEvent[] = [];
    run.on((e) => events.push(e));
    const end = await run.finished;
    expect(end).toMatchObject({ type: 'done', stoppedEarly: true, epochs: 3, bestEpoch: 1 });
    expect(events.some((e) => e.type === 'log' && /early stopping/.test(e.message))).toBe(true);
  });

  it('SGD with a step schedule and label smoothing trains; lr follows the schedule', async () => {
    const data = await makeDataset(tempDir('trainer-'), { perClass: 16 });
    const run = startTraining(
      options(tinyProject(), data, path.join(tempDir('trainer-'), 'run'), tempDir('trainer-'), {
        epochs: 3,
        optimizer: 'sgd',
        lr: 0.1,
        momentum: 0.9,
        schedule: { kind: 'step', everyEpochs: 1, gamma: 0.5 },
        labelSmoothing: 0.1,
        weightDecay: 5e-4,
        augment: { cropPadding: 1, hflip: true },
      }),
      { mode: 'inline' },
    );
    const events: TrainEvent[] = [];
    run.on((e) => events.push(e));
    expect((await run.finished).type).toBe('done');
    const epochs = events.filter((e): e is Extract<TrainEvent, { type: 'epoch' }> => e.type === 'epoch');
    expect(epochs.map((e) => e.lr)).toEqual([0.1, 0.05, 0.025]);
    expect(epochs[2]!.trainLoss).toBeLessThan(epochs[0]!.trainLoss);
  });
});

describe('device self-test', () => {
  it('a provider that cannot compute what the CPU computes is not trusted: the run trains on the CPU and says why', async () => {
    const data = await makeDataset(tempDir('trainer-'), { perClass: 8 });
    // The probe says WebGPU loads, and its self-test against the CPU fails (as it does where the
    // provider miscomputes): whatever adapter this machine has, the run must train on the CPU.
    const checked: string[] = [];
    const run = startTraining(options(tinyProject(), data, path.join(tempDir('trainer-'), 'run'), tempDir('trainer-'), { epochs: 1, device: 'auto' }), {
      mode: 'inline',
      hooks: {
        probe: async () => [info('cpu', true), info('webgpu', true)],
        providerCheck: async (device) => {
          checked.push(device);
          return { passed: false, layout: null, maxDiff: 0.5, message: 'outputs differ from the CPU by 0.5', cached: false, ms: 1 };
        },
      },
    });
    const events: TrainEvent[] = [];
    run.on((e) => events.push(e));
    expect((await run.finished).type).toBe('done');
    expect(checked).toEqual(['webgpu']);
    const start = events.find((e) => e.type === 'start');
    expect(start?.type === 'start' && start.device).toBe('cpu');
    // The reason is the self-test's verdict, not some later failure to load the provider.
    const warnings = events.flatMap((e) => (e.type === 'log' && e.level === 'warn' ? [e.message] : []));
    expect(warnings).toContain('training on the CPU: webgpu outputs differ from the CPU by 0.5');
  });
});
