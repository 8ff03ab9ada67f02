/**
 * The trainer on WebGPU: a run with batch norm and max pooling trains there (the graphs built for
 * WebGPU, nothing left on the CPU, no warning) and ends where the same run on the CPU ends (loss
 * and validation metrics: the eval graph's one-hot labels included), to float32 rounding.
 * SGD: Adam turns float32 noise in near-zero gradients into steps of size lr (see
 * test/core/train/fixtures-train.test.ts), which after an epoch moves the loss by ~4e-4.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTraining } from '../../../main/trainer/start';
import type { TrainEvent } from '../../../main/trainer/types';
import { makeDataset, options, tinyProject } from '../../helpers/trainer-fixtures';
import { webgpuMissing } from '../../helpers/webgpu';
import { tempDir } from '../../helpers/temp-dir';

async function train(device: 'cpu' | 'webgpu', data: string): Promise<TrainEvent[]> {
  const run = startTraining(
    options(tinyProject(8, { batchnorm: true }), data, path.join(tempDir('trainer-'), 'run'), tempDir('trainer-'), {
      epochs: 2,
      device,
      optimizer: 'sgd',
      lr: 0.05,
    }),
    { mode: 'inline' },
  );
  const events: TrainEvent[] = [];
  run.on((e) => events.push(e));
  const end = await run.finished;
  expect(end.type, JSON.stringify(end)).toBe('done');
  return events;
}

describe.skipIf(webgpuMissing !== null)('training on WebGPU', () => {
  it('trains there with every node on the device and matches the CPU run', async () => {
    const data = await makeDataset(tempDir('trainer-'), { perClass: 8 });
    const gpu = await train('webgpu', data);
    const start = gpu.find((e) => e.type === 'start');
    expect(start?.type === 'start' && start.device).toBe('webgpu');
    const warnings = gpu.filter((e) => e.type === 'log' && e.level === 'warn');
    expect(warnings, JSON.stringify(warnings)).toEqual([]);
    const cpu = await train('cpu', data);
    const epochs = (ev: TrainEvent[]) => ev.flatMap((e) => (e.type === 'epoch' ? [e] : []));
    const [g, c] = [epochs(gpu), epochs(cpu)];
    expect(g.length).toBe(2);
    g.forEach((e, i) => {
      const ref = c[i]!;
      expect(Math.abs(e.trainLoss - ref.trainLoss), `train loss, epoch ${e.epoch}`).toBeLessThan(1e-4 * Math.max(1, ref.trainLoss));
      expect(Math.abs(e.valLoss! - ref.valLoss!), `validation loss, epoch ${e.epoch}`).toBeLessThan(1e-4 * Math.max(1, ref.valLoss!));
      expect(e.valAccuracy).toBe(ref.valAccuracy);
    });
  });
});
