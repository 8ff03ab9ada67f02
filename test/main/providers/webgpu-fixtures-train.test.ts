/**
 * Three training steps of LeNet-5 and resnet_mini on WebGPU (graphs built for it: MaxPool backward
 * without Indices, one-hot labels, explicit log-softmax, Add accumulation, no dilated conv) against
 * PyTorch's parameters after the fixtures' SGD run and Adam run, with the CPU test's tolerance and
 * its one exception for Adam (test/core/train/fixtures-train.test.ts): elements whose PyTorch gradient is
 * pure cancellation (< 1e-5 of the tensor's largest) may move by up to lr.
 */
import { describe, expect, it } from 'vitest';
import { buildTrainStep } from '../../../core/train/build-train-step';
import { buildForProvider } from '../../../main/providers/graph-target';
import { createSession, TrainStepRunner } from '../../../main/trainer/ort-session';
import { expectStepsLikePyTorch, optimizerOf, trainable } from '../../helpers/fixture-train-steps';
import { Fixture } from '../../helpers/fixture-tensors';
import { opCache, webgpuMissing } from '../../helpers/webgpu';

describe.skipIf(webgpuMissing !== null)('fixture training on WebGPU', () => {
  it.each([
    ['lenet5', 'sgd'],
    ['lenet5', 'adam'],
    ['resnet_mini', 'sgd'],
    ['resnet_mini', 'adam'],
  ] as const)('%s: 3 steps of %s match PyTorch', async (model, name) => {
    const fx = new Fixture(model);
    const m = fx.manifest;
    const batch = m.input.shape[0]!;
    const o = m.optimizers[name];
    const cfg = optimizerOf(name, o.config);
    const built = await buildForProvider(
      'webgpu',
      (target) => buildTrainStep(trainable(fx), { batchSize: batch, optimizer: cfg, target }),
      (s) => s.model,
      { cache: await opCache() },
    );
    // The whole step runs on WebGPU: no node falls back to the CPU.
    expect(built.cpuFallbackNodes).toEqual([]);
    const step = built.graph;
    const runner = new TrainStepRunner(step, await createSession(step.model, { device: 'webgpu', cpuFallback: false }), cfg, fx.params());
    try {
      const images = fx.f32(m.input);
      const labels = fx.i64(m.labels);
      const losses: number[] = [];
      for (let i = 0; i < o.steps; i++) losses.push((await runner.run(images, m.input.shape, labels, o.config.lr)).loss);
      expectStepsLikePyTorch(fx, name, losses, runner.weights);
    } finally {
      await runner.session.release();
    }
  });
});
