/**
 * Shared by the train-step tests: a fixture model as a trainable graph, its optimizer configs, and
 * the check of losses and parameters after PyTorch's 3 optimizer steps.
 */
import { expect } from 'vitest';
import type { TrainableGraph } from '../../core/train/build-train-step';
import type { OptimizerConfig } from '../../core/train/optim/index';
import { prepareForTraining } from '../../core/train/prepare';
import { buildFixtureGraph } from './fixture-graphs';
import { compare, Fixture, type FixtureModel, type FixtureName, type OptimizerFixture } from './fixture-tensors';

export const RTOL = 1e-4;
export const ATOL = 1e-6;

/** A fixture model's manifest, input batch and labels. */
export function fixtureBatch(model: FixtureModel): { fx: Fixture; m: Fixture['manifest']; images: Float32Array; labels: BigInt64Array; batch: number } {
  const fx = new Fixture(model);
  const m = fx.manifest;
  return { fx, m, images: fx.f32(m.input), labels: fx.i64(m.labels), batch: m.input.shape[0]! };
}

export function trainable(fx: Fixture): TrainableGraph {
  const fg = buildFixtureGraph(fx);
  const prepared = prepareForTraining(fg.graph, { batch: fx.manifest.input.shape[0]! });
  return { graph: prepared.graph, input: fg.input, logits: fg.logits, trainable: fg.trainable, stateUpdates: prepared.stateUpdates };
}

export function optimizerOf(name: string, c: OptimizerFixture['config']): OptimizerConfig {
  if (name.startsWith('sgd')) return { kind: 'sgd', momentum: c.momentum ?? 0, nesterov: c.nesterov ?? false, weightDecay: c.weight_decay ?? 0 };
  return { kind: name === 'adamw' ? 'adamw' : 'adam', beta1: c.betas?.[0], beta2: c.betas?.[1], eps: c.eps, weightDecay: c.weight_decay ?? 0 };
}

/** How many parameter elements of one optimizer run may differ through Adam's cancellation amplification. */
const MAX_CANCELLATION_ELEMENTS = 8;

/** Expects the step losses and the parameters after them to match the fixture; returns a report line. */
export function expectStepsLikePyTorch(
  fx: Fixture<FixtureName>,
  name: 'sgd' | 'sgd_nesterov' | 'adam' | 'adamw',
  losses: number[],
  weights: ReadonlyMap<string, Float32Array>,
): string {
  const m = fx.manifest;
  const o = m.optimizers[name];
  const cfg = optimizerOf(name, o.config);
  expect(losses.length).toBe(o.steps);
  losses.forEach((l, i) => expect(Math.abs(l - o.losses[i]!), `loss ${i}`).toBeLessThan(2e-5 * Math.max(1, Math.abs(o.losses[i]!))));
  let worst = { name: '', maxAbs: 0, maxRel: 0, scaleRel: 0 };
  let amplified = 0;
  for (const [p, e] of Object.entries(o.params_after)) {
    const got = weights.get(p)!;
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
  // Such elements are rare: at most 3 in any fixture's run (measured over the six fixtures, each
  // optimizer). Many more would mean a real error hiding behind the cancellation excuse.
  expect(amplified, `${name}: ${amplified} elements off by more than the tolerance`).toBeLessThanOrEqual(MAX_CANCELLATION_ELEMENTS);
  return `worst ${worst.name} maxAbs=${worst.maxAbs.toExponential(2)} maxAbs/scale=${worst.scaleRel.toExponential(2)} maxRel=${worst.maxRel.toExponential(2)} cancellation-amplified elements=${amplified}`;
}
