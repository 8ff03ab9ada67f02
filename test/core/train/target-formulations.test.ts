/**
 * Graphs built for WebGPU's gaps (core/train/target.ts: MaxPool backward without Indices, float
 * one-hot labels, explicit log-softmax, Add accumulation, im2col conv dW, static Size folded) run
 * on the CPU here and must match PyTorch as the CPU formulations do (test/core/train/fixtures-train.test.ts):
 * so every alternative formulation is checked on machines without WebGPU too.
 */
import { describe, expect, it } from 'vitest';
import { lossReference } from '../../helpers/loss-reference';
import { GraphBuilder } from '../../../core/onnx/builder';
import { buildEvalGraph } from '../../../core/train/build-eval';
import { buildTrainStep, makeModel, type TrainableGraph } from '../../../core/train/build-train-step';
import { emitCrossEntropy } from '../../../core/train/loss';
import { prepareForTraining } from '../../../core/train/prepare';
import { buildStudioTrainStep } from '../../../core/train/studio';
import { formulationFor, knownTarget } from '../../../core/train/target';
import { buildTemplate } from '../../../core/templates/index';
import { createSession, f32, labelTensor, TrainStepRunner } from '../../../main/trainer/ort-session';
import { buildFixtureGraph } from '../../helpers/fixture-graphs';
import { compare, Fixture, FIXTURE_MODELS } from '../../helpers/fixture-tensors';

const RTOL = 1e-4;
const ATOL = 1e-6;
const WEBGPU = knownTarget('webgpu');

function trainable(fx: Fixture): TrainableGraph {
  const fg = buildFixtureGraph(fx);
  const prepared = prepareForTraining(fg.graph, { batch: fx.manifest.input.shape[0]! });
  return { graph: prepared.graph, input: fg.input, logits: fg.logits, trainable: fg.trainable, stateUpdates: prepared.stateUpdates };
}

describe('graphs built for WebGPU, run on the CPU', () => {
  it('use none of the ops WebGPU lacks', () => {
    const doc = buildTemplate('resnet18', { input: [3, 32, 32], classes: 10 });
    const { step } = buildStudioTrainStep(doc, { batchSize: 4, optimizer: { kind: 'adam' }, target: WEBGPU });
    const ops = new Set(step.model.graph.nodes.map((n) => n.opType));
    for (const op of ['LogSoftmax', 'MaxUnpool', 'ScatterElements', 'Sum', 'Size']) expect(ops.has(op), op).toBe(false);
    const int64Inputs = step.model.graph.inputs.filter((v) => v.dtype === 'int64');
    expect(int64Inputs).toEqual([]);
    expect(step.labelFormat).toBe('onehot');
    expect(step.model.graph.nodes.filter((n) => n.opType === 'MaxPool').every((n) => n.outputs.length === 1)).toBe(true);
    expect(formulationFor(WEBGPU).grad).toMatchObject({ maxPoolIndices: false, accumulate: 'add', convWeightGrad: 'undilated' });
    // The weight gradient of no conv is a dilated conv (WebGPU computes some of those wrong).
    const dilated = step.model.graph.nodes.filter(
      (n) => n.opType === 'Conv' && n.attributes.dilations?.kind === 'ints' && n.attributes.dilations.value.some((d) => d > 1),
    );
    expect(dilated.map((n) => n.name)).toEqual([]);
  });

  it.each(FIXTURE_MODELS)('%s: one step (loss, logits, every gradient) and eval logits match PyTorch', async (model) => {
    const fx = new Fixture(model);
    const m = fx.manifest;
    const batch = m.input.shape[0]!;
    const step = buildTrainStep(trainable(fx), { batchSize: batch, optimizer: { kind: 'sgd' }, outputGradients: true, target: WEBGPU });
    const runner = await TrainStepRunner.create(step, { kind: 'sgd' }, fx.params());
    const r = await runner.run(fx.f32(m.input), m.input.shape, fx.i64(m.labels), 0);
    expect(Math.abs(r.loss - m.train_step.loss)).toBeLessThan(1e-5 * Math.max(1, Math.abs(m.train_step.loss)));
    expect(compare(r.logits, fx.f32(m.train_step.logits), RTOL, ATOL).bad).toBe(0);
    for (const [name, e] of Object.entries(m.train_step.grads)) {
      const c = compare(r.gradients.get(name)!, fx.f32(e), RTOL, ATOL);
      expect(c.bad, `gradient of ${name}: maxAbs ${c.maxAbs} maxRel ${c.maxRel}`).toBe(0);
    }
    for (const [name, e] of Object.entries(m.train_step.buffers_after)) expect(compare(runner.state.get(name)!, fx.f32(e), RTOL, ATOL).bad, name).toBe(0);
    await runner.session.release();

    const fg = buildFixtureGraph(fx);
    const ev = buildEvalGraph({ graph: fg.graph, input: fg.input, logits: fg.logits, weightInputs: [] }, { batchSize: batch, target: WEBGPU });
    const s = await createSession(ev.model);
    const out = await s.run({ [ev.images]: f32(fx.f32(m.input), m.input.shape), [ev.labels]: labelTensor(ev.labelFormat, fx.i64(m.labels), 10) });
    expect(compare(out[ev.logits]!.data as Float32Array, fx.f32(m.eval_logits), RTOL, ATOL).bad).toBe(0);
    await s.release();
  });
});

const ref = lossReference;

describe('cross-entropy with one-hot labels and explicit log-softmax', () => {
  it.each(ref.cases.map((c) => [`smoothing ${c.smoothing}, ${c.weighted ? 'class weights' : 'unweighted'}`, c] as const))(
    '%s matches PyTorch',
    async (_n, c) => {
      const g = new GraphBuilder('ce');
      g.input('z', 'float32', [4, 5]);
      g.input('y', 'float32', [4, 5]);
      const { loss, dLogits } = emitCrossEntropy(
        g,
        'z',
        'y',
        4,
        5,
        { labelSmoothing: c.smoothing, classWeights: c.weighted ? ref.weights : undefined },
        { labels: 'onehot', logSoftmax: 'explicit' },
      );
      g.output(loss, 'float32', []);
      g.output(dLogits, 'float32', [4, 5]);
      const model = makeModel(g.build(), 'ce');
      expect(model.graph.nodes.some((n) => n.opType === 'LogSoftmax' || n.opType === 'Equal')).toBe(false);
      const s = await createSession(model);
      const out = await s.run({ z: f32(Float32Array.from(ref.logits), [4, 5]), y: labelTensor('onehot', ref.labels, 5) });
      expect((out[loss]!.data as Float32Array)[0]).toBeCloseTo(c.loss, 5);
      const d = out[dLogits]!.data as Float32Array;
      c.grad.forEach((v, i) => expect(Math.abs(d[i]! - v)).toBeLessThan(1e-6));
      await s.release();
    },
  );

  it('labelTensor refuses a label outside the classes', () => {
    expect(() => labelTensor('onehot', [0, 5], 5)).toThrow(/label 5 of sample 1 is not a class id in \[0, 5\)/);
  });
});
