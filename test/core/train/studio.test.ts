/**
 * The studio path: documents (templates) -> expandGraph/emitForward -> train-step graph, checked
 * against the same PyTorch fixtures as the hand-built graphs. (Build time: bench/train-step-build.ts.)
 */
import { describe, expect, it } from 'vitest';
import { buildTemplate } from '../../../core/templates/index';
import { buildStudioEval, buildStudioTrainStep } from '../../../core/train/studio';
import { createSession, f32, i64, TrainStepRunner } from '../../../main/trainer/ort-session';
import { compare, Fixture } from '../../helpers/fixture-tensors';

const CASES = [
  { fixture: 'lenet5' as const, template: 'lenet5', variant: 'default', input: [1, 28, 28] as [number, number, number] },
  { fixture: 'lenet5_classic' as const, template: 'lenet5', variant: 'classic', input: [1, 32, 32] as [number, number, number] },
];

describe.each(CASES)('studio $template/$variant vs fixture $fixture', ({ fixture, template, variant, input }) => {
  const fx = new Fixture(fixture);
  const m = fx.manifest;
  const doc = buildTemplate(template, { input, classes: 10, variant });

  it('gradients and 3 SGD-momentum steps match PyTorch', async () => {
    const { step } = buildStudioTrainStep(doc, { batchSize: 8, optimizer: { kind: 'sgd' }, outputGradients: true });
    expect(step.weights.map((w) => w.name).sort()).toEqual(Object.keys(m.train_step.grads).sort());
    const runner = await TrainStepRunner.create(step, { kind: 'sgd' }, fx.params());
    const r = await runner.run(fx.f32(m.input), m.input.shape, fx.i64(m.labels), 0);
    expect(Math.abs(r.loss - m.train_step.loss)).toBeLessThan(1e-5);
    for (const [name, e] of Object.entries(m.train_step.grads)) expect(compare(r.gradients.get(name)!, fx.f32(e), 1e-4, 1e-6).bad, name).toBe(0);
    runner.session.release();

    const o = m.optimizers.sgd;
    const cfg = { kind: 'sgd' as const, momentum: o.config.momentum, weightDecay: o.config.weight_decay };
    const { step: s2 } = buildStudioTrainStep(doc, { batchSize: 8, optimizer: cfg });
    const r2 = await TrainStepRunner.create(s2, cfg, fx.params());
    for (let i = 0; i < 3; i++) await r2.run(fx.f32(m.input), m.input.shape, fx.i64(m.labels), o.config.lr);
    for (const [p, e] of Object.entries(o.params_after)) expect(compare(r2.weights.get(p)!, fx.f32(e), 1e-4, 1e-6).bad, p).toBe(0);
    r2.session.release();
  });

  it('eval graph matches eval logits', async () => {
    const { evalGraph } = buildStudioEval(doc, { batchSize: 8 });
    const s = await createSession(evalGraph.model);
    const params = fx.params();
    const feeds: Record<string, ReturnType<typeof f32>> = {
      [evalGraph.images]: f32(fx.f32(m.input), m.input.shape),
      [evalGraph.labels]: i64(fx.i64(m.labels), [8]),
    };
    for (const w of evalGraph.weightInputs) feeds[w] = f32(params.get(w)!, m.params[w]!.shape);
    const out = await s.run(feeds);
    expect(compare(out[evalGraph.logits]!.data as Float32Array, fx.f32(m.eval_logits), 1e-4, 1e-6).bad).toBe(0);
    await s.release();
  });
});

describe('batch-norm fusion (studio explicit BN -> fused forward + closed-form backward)', () => {
  it('gives the same loss, gradients and running statistics as the unfused graph', async () => {
    const { DocBuilder } = await import('../../../core/graph/index');
    const { initWeight, seededRandom } = await import('../../../core/graph/index');
    const b = new DocBuilder();
    b.then('input', 'input', { channels: 3, height: 12, width: 12 });
    b.then('conv1', 'conv2d', { filters: 8, kernel: 3, padding: 1, bias: false });
    b.then('bn1', 'batchnorm2d');
    b.then('relu', 'relu');
    b.then('layer1', 'residual', { variant: 'basic', planes: 16, stride: 2, repeat: 1 });
    b.then('avgpool', 'globalavgpool');
    b.then('fc', 'output', { classes: 5 });
    const doc = b.build();
    const results = [];
    for (const fuse of [true, false]) {
      const { step, weights } = buildStudioTrainStep(doc, { batchSize: 4, optimizer: { kind: 'sgd' }, outputGradients: true, grad: { fuseBatchNorm: fuse } });
      const bnOps = step.model.graph.nodes.filter((n) => n.opType === 'BatchNormalization').length;
      expect(bnOps > 0).toBe(fuse);
      const rnd = seededRandom(3);
      const init = new Map(weights.map((w) => [w.name, initWeight(w, rnd)] as const));
      const runner = await TrainStepRunner.create(step, { kind: 'sgd' }, init);
      const images = Float32Array.from({ length: 4 * 3 * 12 * 12 }, () => rnd() * 2 - 1);
      const r = await runner.run(images, [4, 3, 12, 12], BigInt64Array.from([0n, 1n, 2n, 4n]), 0);
      results.push({ r, state: new Map(runner.state) });
      runner.session.release();
    }
    const [a, b2] = results as [(typeof results)[0], (typeof results)[0]];
    expect(Math.abs(a.r.loss - b2.r.loss)).toBeLessThan(1e-6);
    for (const [name, g] of a.r.gradients) expect(compare(g, b2.r.gradients.get(name)!, 1e-4, 1e-6).bad, name).toBe(0);
    for (const [name, v] of a.state) expect(compare(v, b2.state.get(name)!, 1e-5, 1e-7).bad, name).toBe(0);
  });
});
