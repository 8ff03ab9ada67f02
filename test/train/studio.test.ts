/**
 * The studio path: documents (templates) -> expandGraph/emitForward -> train-step graph, checked
 * against the same PyTorch fixtures as the hand-built graphs; and the ResNet-50 build time.
 */
import { describe, expect, it } from 'vitest';
import { buildTemplate } from '../../core/templates/index';
import { buildStudioEval, buildStudioTrainStep } from '../../core/train/studio';
import { createSession, f32, i64, TrainStepRunner } from '../../main/trainer/ort-session';
import { compare, Fixture } from './fixtures';

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
    const feeds: Record<string, ReturnType<typeof f32>> = { [evalGraph.images]: f32(fx.f32(m.input), m.input.shape), [evalGraph.labels]: i64(fx.i64(m.labels), [8]) };
    for (const w of evalGraph.weightInputs) feeds[w] = f32(params.get(w)!, m.params[w]!.shape);
    const out = await s.run(feeds);
    expect(compare(out[evalGraph.logits]!.data as Float32Array, fx.f32(m.eval_logits), 1e-4, 1e-6).bad).toBe(0);
    await s.release();
  });
});

describe('build time', () => {
  it('ResNet-50 train-step graph builds in under 200 ms', () => {
    const doc = buildTemplate('resnet50', { input: [3, 224, 224], classes: 1000 });
    buildStudioTrainStep(doc, { batchSize: 32, optimizer: { kind: 'sgd', momentum: 0.9 } }); // warm-up (JIT)
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const { step } = buildStudioTrainStep(doc, { batchSize: 32, optimizer: { kind: 'sgd', momentum: 0.9 } });
      times.push(performance.now() - t0);
      expect(step.weights.length).toBeGreaterThan(150);
    }
    const best = Math.min(...times);
    if (process.env.TRAIN_REPORT) console.log(`ResNet-50 train-step build: ${times.map((t) => t.toFixed(1)).join(', ')} ms`);
    expect(best).toBeLessThan(200);
  });
});
