/**
 * WebGPU training with the weights kept on the GPU between steps (resident-session.ts) computes
 * what the host-fed runner computes, and a whole run on WebGPU matches the same run on the CPU.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DocBuilder, initWeight, seededRandom } from '../../../core/graph/index';
import { buildTemplate } from '../../../core/templates/index';
import { buildStudioTrainStep } from '../../../core/train/studio';
import type { OptimizerConfig } from '../../../core/train/optim/index';
import { probeExecutionProviders } from '../../../main/providers';
import { TrainStepRunner } from '../../../main/trainer/ort-session';
import { createDeviceRunner, syncRunnerToHost } from '../../../main/trainer/resident-session';
import { startTraining } from '../../../main/trainer/start';
import type { EpochRecord, TrainEvent } from '../../../main/trainer/types';
import { makeDataset, options } from '../../helpers/trainer-fixtures';
import { tempDir } from '../../helpers/temp-dir';

let webgpu = false;
beforeAll(async () => {
  webgpu = (await probeExecutionProviders({ timeoutMs: 120_000 })).find((p) => p.name === 'webgpu')?.available === true;
});

const maxRel = (a: Float32Array, b: Float32Array): number => {
  let d = 0;
  let s = 1e-6;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i]! - b[i]!));
    s = Math.max(s, Math.abs(b[i]!));
  }
  return d / s;
};

describe('GPU-resident training state', () => {
  it('three Adam steps: same losses and weights as feeding everything from the host', async (ctx) => {
    if (!webgpu) ctx.skip();
    const doc = buildTemplate('lenet5', { input: [1, 32, 32], classes: 10, variant: 'classic' });
    const optimizer: OptimizerConfig = { kind: 'adam' };
    const { step, weights } = buildStudioTrainStep(doc, { batchSize: 4, optimizer });
    const rnd = seededRandom(3);
    const initial = new Map(weights.map((w) => [w.name, initWeight(w, rnd)]));
    const images = Float32Array.from({ length: 4 * 32 * 32 }, () => rnd() - 0.5);
    const labels = BigInt64Array.from([1n, 2n, 3n, 4n]);
    const host = await TrainStepRunner.create(step, optimizer, initial, { device: 'webgpu', threads: 1 });
    const resident = await createDeviceRunner(step, optimizer, initial, 'webgpu', 1);
    try {
      for (let i = 0; i < 3; i++) {
        const a = await host.run(images, [4, 1, 32, 32], labels, 0.01);
        const b = await resident.run(images, [4, 1, 32, 32], labels, 0.01);
        expect(Math.abs(a.loss - b.loss)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(a.loss)));
      }
      await syncRunnerToHost(resident);
      for (const [name, w] of host.weights) expect(maxRel(resident.weights.get(name)!, w), name).toBeLessThanOrEqual(1e-6);
      for (const [name, s] of host.state) expect(maxRel(resident.state.get(name)!, s), name).toBeLessThanOrEqual(1e-6);
      // The host copy moved: it is not the initial value any more.
      expect(maxRel(resident.weights.get('c1.weight')!, initial.get('c1.weight')!)).toBeGreaterThan(1e-4);
    } finally {
      await host.session.release();
      await resident.session.release();
    }
  }, 180_000);

  it("a 2-epoch run on WebGPU gives the CPU run's losses and validation accuracy", async (ctx) => {
    if (!webgpu) ctx.skip();
    const b = new DocBuilder();
    b.then('input', 'input', { channels: 1, height: 8, width: 8 });
    b.then('conv1', 'conv2d', { filters: 6, kernel: 3, padding: 1 });
    b.then('relu1', 'relu');
    b.then('pool1', 'avgpool2d', { kernel: 2, stride: 2 });
    b.then('flatten', 'flatten');
    b.then('out', 'output', { classes: 2 });
    const project = { name: 'tiny-avg', model: b.build() };
    const data = await makeDataset(tempDir('trainer-'), { perClass: 12 });
    const cache = tempDir('trainer-');
    const train = async (device: 'cpu' | 'webgpu'): Promise<{ epochs: EpochRecord[]; used: string }> => {
      const run = startTraining(options(project, data, path.join(tempDir('trainer-'), device), cache, { epochs: 2, device, optimizer: 'sgd', lr: 0.05 }), {
        mode: 'inline',
      });
      const events: TrainEvent[] = [];
      run.on((e) => events.push(e));
      const end = await run.finished;
      expect(end.type, JSON.stringify(end)).toBe('done');
      const start = events.find((e) => e.type === 'start');
      return { epochs: events.flatMap((e) => (e.type === 'epoch' ? [e] : [])), used: start?.type === 'start' ? start.device : '?' };
    };
    const cpu = await train('cpu');
    const gpu = await train('webgpu');
    expect(gpu.used).toBe('webgpu');
    expect(gpu.epochs).toHaveLength(2);
    gpu.epochs.forEach((e, i) => {
      const c = cpu.epochs[i]!;
      expect(Math.abs(e.trainLoss - c.trainLoss)).toBeLessThan(1e-4);
      expect(Math.abs(e.valLoss! - c.valLoss!)).toBeLessThan(1e-4);
      expect(e.valAccuracy).toBe(c.valAccuracy);
    });
  }, 300_000);
});
