/**
 * Three training steps of LeNet-5 and resnet_mini on WebGPU (graphs built for it: MaxPool backward
 * without Indices, one-hot labels, explicit log-softmax, Add accumulation, no dilated conv) against
 * PyTorch's parameters after the fixtures' SGD run and Adam run, with the CPU test's tolerance and
 * its one exception for Adam (test/train/fixtures-train.test.ts): elements whose PyTorch gradient is
 * pure cancellation (< 1e-5 of the tensor's largest) may move by up to lr.
 */
import { describe, expect, it } from 'vitest';
import { buildTrainStep, type TrainableGraph } from '../../core/train/build-train-step';
import type { OptimizerConfig } from '../../core/train/optim/index';
import { prepareForTraining } from '../../core/train/prepare';
import { buildForProvider } from '../../main/providers/graph-target';
import { createSession, TrainStepRunner } from '../../main/trainer/ort-session';
import { buildFixtureGraph } from '../train/fixture-graphs';
import { compare, Fixture, type OptimizerFixture } from '../train/fixtures';
import { opCache, webgpuMissing } from './webgpu';

const RTOL = 1e-4;
const ATOL = 1e-6;

function trainable(fx: Fixture): TrainableGraph {
  const fg = buildFixtureGraph(fx);
  const prepared = prepareForTraining(fg.graph, { batch: fx.manifest.input.shape[0]! });
  return { graph: prepared.graph, input: fg.input, logits: fg.logits, trainable: fg.trainable, stateUpdates: prepared.stateUpdates };
}

function optimizerOf(name: 'sgd' | 'adam', c: OptimizerFixture['config']): OptimizerConfig {
  if (name === 'sgd') return { kind: 'sgd', momentum: c.momentum ?? 0, nesterov: c.nesterov ?? false, weightDecay: c.weight_decay ?? 0 };
  return { kind: 'adam', beta1: c.betas?.[0], beta2: c.betas?.[1], eps: c.eps, weightDecay: c.weight_decay ?? 0 };
}

describe.skipIf(webgpuMissing !== null)('fixture training on WebGPU', () => {
  it.each([['lenet5', 'sgd'], ['lenet5', 'adam'], ['resnet_mini', 'sgd'], ['resnet_mini', 'adam']] as const)('%s: 3 steps of %s match PyTorch', async (model, name) => {
    const fx = new Fixture(model);
    const m = fx.manifest;
    const batch = m.input.shape[0]!;
    const o = m.optimizers[name];
    const cfg = optimizerOf(name, o.config);
    const built = await buildForProvider('webgpu', (target) => buildTrainStep(trainable(fx), { batchSize: batch, optimizer: cfg, target }), (s) => s.model, { cache: await opCache() });
    // The whole step runs on WebGPU: no node falls back to the CPU.
    expect(built.cpuFallbackNodes).toEqual([]);
    const step = built.graph;
    const runner = new TrainStepRunner(step, await createSession(step.model, { device: 'webgpu', cpuFallback: false }), cfg, fx.params());
    try {
      const images = fx.f32(m.input);
      const labels = fx.i64(m.labels);
      for (let i = 0; i < o.steps; i++) {
        const loss = (await runner.run(images, m.input.shape, labels, o.config.lr)).loss;
        expect(Math.abs(loss - o.losses[i]!), `loss ${i}`).toBeLessThan(2e-5 * Math.max(1, Math.abs(o.losses[i]!)));
      }
      for (const [p, e] of Object.entries(o.params_after)) {
        const got = runner.weights.get(p)!;
        const want = fx.f32(e);
        const c = compare(got, want, RTOL, ATOL);
        if (c.bad === 0) continue;
        expect(cfg.kind, `${p} after ${name}: maxAbs ${c.maxAbs} maxRel ${c.maxRel}`).not.toBe('sgd');
        const g0 = fx.f32(m.train_step.grads[p]!);
        const gmax = g0.reduce((a, b) => Math.max(a, Math.abs(b)), 0);
        for (let i = 0; i < want.length; i++) {
          const d = Math.abs(got[i]! - want[i]!);
          if (d <= ATOL + RTOL * Math.abs(want[i]!)) continue;
          expect(Math.abs(g0[i]!) < 1e-5 * gmax && d < o.config.lr, `${p}[${i}] after ${name}: |d| ${d}, grad ${g0[i]}`).toBe(true);
        }
      }
    } finally {
      await runner.session.release();
    }
  });
});
