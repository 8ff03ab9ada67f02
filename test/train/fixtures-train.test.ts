/**
 * Train-step graphs against PyTorch ground truth (test/fixtures): loss, logits, every parameter
 * gradient, BN running statistics after one step, and parameters after 3 steps of SGD, Nesterov
 * SGD, Adam and AdamW; plus eval-mode logits from the eval graph.
 */
import { describe, expect, it } from 'vitest';
import { buildEvalGraph } from '../../core/train/build-eval';
import { buildTrainStep, type TrainableGraph } from '../../core/train/build-train-step';
import type { OptimizerConfig } from '../../core/train/optim/index';
import { prepareForTraining } from '../../core/train/prepare';
import { createSession, f32, i64, TrainStepRunner } from '../../main/trainer/ort-session';
import { buildFixtureGraph } from './fixture-graphs';
import { compare, Fixture, FIXTURE_MODELS, type OptimizerFixture } from './fixtures';

const RTOL = 1e-4;
const ATOL = 1e-6;
const report: string[] = [];

function trainable(fx: Fixture): TrainableGraph {
  const fg = buildFixtureGraph(fx);
  const prepared = prepareForTraining(fg.graph, { batch: fx.manifest.input.shape[0]! });
  return { graph: prepared.graph, input: fg.input, logits: fg.logits, trainable: fg.trainable, stateUpdates: prepared.stateUpdates };
}

function optimizerOf(name: string, c: OptimizerFixture['config']): OptimizerConfig {
  if (name.startsWith('sgd')) return { kind: 'sgd', momentum: c.momentum ?? 0, nesterov: c.nesterov ?? false, weightDecay: c.weight_decay ?? 0 };
  return { kind: name === 'adamw' ? 'adamw' : 'adam', beta1: c.betas?.[0], beta2: c.betas?.[1], eps: c.eps, weightDecay: c.weight_decay ?? 0 };
}

describe.each(FIXTURE_MODELS)('%s', (model) => {
  const fx = new Fixture(model);
  const m = fx.manifest;
  const images = fx.f32(m.input);
  const labels = fx.i64(m.labels);
  const batch = m.input.shape[0]!;

  it('one train step: loss, logits, gradients, running statistics', async () => {
    const src = trainable(fx);
    const step = buildTrainStep(src, { batchSize: batch, optimizer: { kind: 'sgd' }, outputGradients: true });
    const runner = await TrainStepRunner.create(step, { kind: 'sgd' }, fx.params());
    const r = await runner.run(images, m.input.shape, labels, 0);
    expect(Math.abs(r.loss - m.train_step.loss)).toBeLessThan(1e-5 * Math.max(1, Math.abs(m.train_step.loss)));
    const lc = compare(r.logits, fx.f32(m.train_step.logits), RTOL, ATOL);
    report.push(`${model} loss |d|=${Math.abs(r.loss - m.train_step.loss).toExponential(2)} logits maxAbs=${lc.maxAbs.toExponential(2)}`);
    expect(lc.bad).toBe(0);
    let worst = { name: '', maxAbs: 0, maxRel: 0, scaleRel: 0 };
    for (const [name, e] of Object.entries(m.train_step.grads)) {
      const c = compare(r.gradients.get(name)!, fx.f32(e), RTOL, ATOL);
      if (c.scaleRel > worst.scaleRel) worst = { name, maxAbs: c.maxAbs, maxRel: c.maxRel, scaleRel: c.scaleRel };
      expect(c.bad, `gradient of ${name}: maxAbs ${c.maxAbs} maxRel ${c.maxRel}`).toBe(0);
      // Relative to the tensor's largest entry, every gradient agrees to float32 summation noise.
      // 3e-5: a batch-norm bias gradient sums cancelling terms; for googlenet_mini's
      // inc3a.b3.1.bn.bias the fixture itself is 1.55e-5 (of scale) from a float64 PyTorch run,
      // PyTorch float32 on this machine 2.15e-5, the studio's step 1.0e-5 (im2col convs) or 1.9e-5
      // (NCHWc convs), so any change of summation order moves the difference by ~1e-5.
      expect(c.scaleRel, `gradient of ${name}: error / scale`).toBeLessThan(3e-5);
    }
    report.push(`${model} grads worst ${worst.name} maxAbs=${worst.maxAbs.toExponential(2)} maxAbs/scale=${worst.scaleRel.toExponential(2)} maxRel=${worst.maxRel.toExponential(2)}`);
    for (const [name, e] of Object.entries(m.train_step.buffers_after)) {
      const c = compare(runner.state.get(name)!, fx.f32(e), RTOL, ATOL);
      expect(c.bad, `running stat ${name}: maxAbs ${c.maxAbs}`).toBe(0);
    }
    runner.session.release();
  });

  it.each(['sgd', 'sgd_nesterov', 'adam', 'adamw'] as const)('3 steps of %s', async (name) => {
    const o = m.optimizers[name];
    const cfg = optimizerOf(name, o.config);
    const step = buildTrainStep(trainable(fx), { batchSize: batch, optimizer: cfg });
    const runner = await TrainStepRunner.create(step, cfg, fx.params());
    const losses: number[] = [];
    for (let i = 0; i < o.steps; i++) losses.push((await runner.run(images, m.input.shape, labels, o.config.lr)).loss);
    losses.forEach((l, i) => expect(Math.abs(l - o.losses[i]!), `loss ${i}`).toBeLessThan(2e-5 * Math.max(1, Math.abs(o.losses[i]!))));
    let worst = { name: '', maxAbs: 0, maxRel: 0, scaleRel: 0 };
    let amplified = 0;
    for (const [p, e] of Object.entries(o.params_after)) {
      const got = runner.weights.get(p)!;
      const exp = fx.f32(e);
      const c = compare(got, exp, RTOL, ATOL);
      if (c.scaleRel > worst.scaleRel) worst = { name: p, maxAbs: c.maxAbs, maxRel: c.maxRel, scaleRel: c.scaleRel };
      if (c.bad > 0 && cfg.kind !== 'sgd') {
        // Adam divides by sqrt(v): a gradient that is pure cancellation (|g| ~ 1e-9, float32
        // summation order decides its low bits) moves by up to lr. Accept such elements only where
        // PyTorch's own gradient is < 1e-5 of the tensor's largest, and the step error is < lr.
        const g0 = fx.f32(m.train_step.grads[p]!);
        const gmax = g0.reduce((a, b) => Math.max(a, Math.abs(b)), 0);
        for (let i = 0; i < exp.length; i++) {
          const d = Math.abs(got[i]! - exp[i]!);
          if (d <= ATOL + RTOL * Math.abs(exp[i]!)) continue;
          expect(Math.abs(g0[i]!) < 1e-5 * gmax && d < o.config.lr, `${p}[${i}] after ${name}: |d| ${d}, grad ${g0[i]}`).toBe(true);
          amplified++;
        }
      } else expect(c.bad, `${p} after ${name}: maxAbs ${c.maxAbs} maxRel ${c.maxRel}`).toBe(0);
    }
    report.push(`${model} ${name} worst ${worst.name} maxAbs=${worst.maxAbs.toExponential(2)} maxAbs/scale=${worst.scaleRel.toExponential(2)} maxRel=${worst.maxRel.toExponential(2)} cancellation-amplified elements=${amplified}`);
    runner.session.release();
  });

  it('eval graph reproduces eval-mode logits', async () => {
    const fg = buildFixtureGraph(fx);
    const ev = buildEvalGraph({ graph: fg.graph, input: fg.input, logits: fg.logits, weightInputs: [] }, { batchSize: batch });
    const s = await createSession(ev.model);
    const out = await s.run({ [ev.images]: f32(images, m.input.shape), [ev.labels]: i64(labels, [batch]) });
    const c = compare(out[ev.logits]!.data as Float32Array, fx.f32(m.eval_logits), RTOL, ATOL);
    report.push(`${model} eval logits maxAbs=${c.maxAbs.toExponential(2)}`);
    expect(c.bad).toBe(0);
    await s.release();
  });

  it('report', () => {
    if (process.env.TRAIN_REPORT) console.log(report.filter((l) => l.startsWith(model)).join('\n'));
  });
});
