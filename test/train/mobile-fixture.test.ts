/**
 * The mobile blocks against PyTorch (test/fixtures/mobile_mini, written by
 * test/fixtures/make_mobile_mini.py): the network drawn with the studio's blocks (depthwise
 * convs, ReLU6, Hardswish, SiLU, two Squeeze-Excite blocks, Multiply) has PyTorch's parameter
 * names and count, and its ONNX export and train step reproduce PyTorch's eval logits, loss,
 * gradients, running statistics and three steps of each optimizer.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../core/graph/analyze';
import { DocBuilder } from '../../core/graph/doc-builder';
import type { ModelDocument } from '../../core/graph/types';
import { buildStudioTrainStep } from '../../core/train/studio';
import { TrainStepRunner } from '../../main/trainer/ort-session';
import { studioLogits } from '../export-pytorch/helpers';
import { ATOL, expectStepsLikePyTorch, optimizerOf, RTOL } from './fixture-steps';
import { compare, Fixture } from './fixtures';

/** MobileMini of make_mobile_mini.py, block for module, with its attribute names. */
function mobileMini(): ModelDocument {
  const b = new DocBuilder();
  b.then('input', 'input', { channels: 3, height: 32, width: 32 });
  b.then('stem', 'conv2d', { filters: 16, kernel: 3, stride: 2, padding: 1, bias: false });
  b.then('stem_bn', 'batchnorm2d');
  b.then('stem_act', 'hardswish');
  b.then('dw', 'conv2d', { filters: 16, kernel: 3, padding: 1, groups: 16, bias: false });
  b.then('dw_bn', 'batchnorm2d');
  b.then('dw_act', 'relu6');
  b.then('se1', 'squeezeexcite', { squeeze: 8, activation: 'relu', gate: 'hardsigmoid' });
  b.then('pw', 'conv2d', { filters: 24, kernel: 1, padding: 0, bias: false });
  b.then('pw_bn', 'batchnorm2d');
  b.then('dw2', 'conv2d', { filters: 24, kernel: 3, stride: 2, padding: 1, groups: 24, bias: false });
  b.then('dw2_bn', 'batchnorm2d');
  b.then('dw2_act', 'silu');
  const se2 = b.then('se2', 'squeezeexcite', { squeeze: 6, activation: 'silu', gate: 'sigmoid' });
  b.then('gate', 'conv2d', { filters: 24, kernel: 1, padding: 0 });
  const gate = b.then('gate_act', 'hardsigmoid');
  b.add('mul', 'multiply', { inputs: 2 }, [se2, gate]);
  b.then('avgpool', 'globalavgpool');
  b.then('fc', 'output', { classes: 10 });
  return b.build();
}

const fx = new Fixture('mobile_mini');
const m = fx.manifest;
const images = fx.f32(m.input);
const labels = fx.i64(m.labels);
const batch = m.input.shape[0]!;

describe('mobile_mini: the mobile blocks against PyTorch', () => {
  const doc = mobileMini();

  it("has PyTorch's parameter names, shapes and count, and no diagnostics", () => {
    const a = analyze(doc);
    expect(a.diagnostics).toEqual([]);
    const ours = Object.fromEntries(a.graph.weights.map((w) => [w.name, w.shape]));
    const theirs = Object.fromEntries(
      Object.entries(m.params)
        .filter(([k]) => !k.endsWith('num_batches_tracked'))
        .map(([k, v]) => [k, v.shape]),
    );
    expect(ours).toEqual(theirs);
    // PyTorch's parameters are what has a gradient; the 2,784 of make_mobile_mini.py.
    expect(a.totals.params).toBe(Object.values(m.train_step.grads).reduce((n, e) => n + e.shape.reduce((p, d) => p * d, 1), 0));
    expect(a.totals.params).toBe(2784);
  });

  it('reproduces the eval-mode logits through its ONNX export', async () => {
    const logits = await studioLogits(doc, fx.params(), images, m.input.shape);
    const c = compare(logits, fx.f32(m.eval_logits), RTOL, ATOL);
    expect(c.bad, `maxAbs ${c.maxAbs}`).toBe(0);
  });

  it('one train step: loss, logits, every gradient and the running statistics', async () => {
    const { step } = buildStudioTrainStep(doc, { batchSize: batch, optimizer: { kind: 'sgd' }, outputGradients: true });
    const runner = await TrainStepRunner.create(step, { kind: 'sgd' }, fx.params());
    try {
      const r = await runner.run(images, m.input.shape, labels, 0);
      expect(Math.abs(r.loss - m.train_step.loss)).toBeLessThan(1e-5 * Math.max(1, Math.abs(m.train_step.loss)));
      expect(compare(r.logits, fx.f32(m.train_step.logits), RTOL, ATOL).bad).toBe(0);
      expect([...r.gradients.keys()].sort()).toEqual(Object.keys(m.train_step.grads).sort());
      for (const [name, e] of Object.entries(m.train_step.grads)) {
        const c = compare(r.gradients.get(name)!, fx.f32(e), RTOL, ATOL);
        expect(c.scaleRel, `gradient of ${name}: maxAbs ${c.maxAbs}, error / scale`).toBeLessThan(3e-5);
      }
      for (const [name, e] of Object.entries(m.train_step.buffers_after)) {
        const c = compare(runner.state.get(name)!, fx.f32(e), RTOL, ATOL);
        expect(c.bad, `running stat ${name}: maxAbs ${c.maxAbs}`).toBe(0);
      }
    } finally {
      await runner.session.release();
    }
  });

  it.each(['sgd', 'sgd_nesterov', 'adam', 'adamw'] as const)('3 steps of %s', async (name) => {
    const o = m.optimizers[name];
    const cfg = optimizerOf(name, o.config);
    const { step } = buildStudioTrainStep(doc, { batchSize: batch, optimizer: cfg });
    const runner = await TrainStepRunner.create(step, cfg, fx.params());
    try {
      const losses: number[] = [];
      for (let i = 0; i < o.steps; i++) losses.push((await runner.run(images, m.input.shape, labels, o.config.lr)).loss);
      expectStepsLikePyTorch(fx, name, losses, runner.weights);
    } finally {
      await runner.session.release();
    }
  });
});
