/** K steps in one graph (core/train/unroll-steps.ts) compute what K runs of the step graph compute. */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { initWeight, seededRandom } from '../../../core/graph/index';
import { encodeModel } from '../../../core/onnx/proto';
import { buildTemplate } from '../../../core/templates/index';
import { optimizerScalars, type OptimizerConfig } from '../../../core/train/optim/index';
import { buildStudioTrainStep } from '../../../core/train/studio';
import { unrollTrainSteps } from '../../../core/train/unroll-steps';
import { TrainStepRunner } from '../../../main/trainer/ort-session';

describe('unrolled train steps', () => {
  it('3 Adam steps of LeNet-5 in one run: the same losses and final weights and state as 3 runs', async () => {
    const doc = buildTemplate('lenet5', { input: [1, 32, 32], classes: 10, variant: 'classic' });
    const optimizer: OptimizerConfig = { kind: 'adam' };
    const { step, weights } = buildStudioTrainStep(doc, { batchSize: 4, optimizer });
    const rnd = seededRandom(5);
    const initial = new Map(weights.map((w) => [w.name, initWeight(w, rnd)]));
    const batches = [0, 1, 2].map(() => Float32Array.from({ length: 4 * 32 * 32 }, () => rnd() - 0.5));
    const labels = [0, 1, 2].map((i) => BigInt64Array.from([0, 1, 2, 3], (c) => BigInt((c + i * 3) % 10)));
    const lrs = [0.01, 0.005, 0.002];

    // Both sessions with the same plain options, so both run the same kernels.
    const opts: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, graphOptimizationLevel: 'all' };
    const runner = new TrainStepRunner(step, await ort.InferenceSession.create(encodeModel(step.model), opts), optimizer, initial);
    const losses: number[] = [];
    for (let i = 0; i < 3; i++) losses.push((await runner.run(batches[i]!, [4, 1, 32, 32], labels[i]!, lrs[i]!)).loss);

    const u = unrollTrainSteps(step, 3);
    expect(u.model.graph.nodes).toHaveLength(3 * step.model.graph.nodes.length);
    const session = await ort.InferenceSession.create(encodeModel(u.model), opts);
    const feeds: Record<string, ort.Tensor> = {};
    for (const w of step.weights) feeds[w.name] = new ort.Tensor('float32', initial.get(w.name)!, w.shape);
    for (const s of step.optimizerState) feeds[s.name] = new ort.Tensor('float32', new Float32Array(s.shape.reduce((a, b) => a * b, 1)), s.shape);
    for (const s of step.runningState) feeds[s.name] = new ort.Tensor('float32', initial.get(s.name)!, s.shape);
    u.steps.forEach((st, i) => {
      feeds[st.images] = new ort.Tensor('float32', batches[i]!, [4, 1, 32, 32]);
      feeds[st.labels] = new ort.Tensor('int64', labels[i]!, [4]);
      const sc = optimizerScalars(optimizer, lrs[i]!, i + 1);
      for (const [name, input] of Object.entries(st.scalars)) feeds[input] = new ort.Tensor('float32', Float32Array.from([sc[name]!]), []);
    });
    const out = await session.run(feeds);
    await session.release();
    await runner.session.release();
    u.steps.forEach((st, i) => expect(Math.abs((out[st.loss]!.data as Float32Array)[0]! - losses[i]!)).toBeLessThanOrEqual(1e-5));
    for (const c of u.carried) {
      const want = runner.weights.get(c.input) ?? runner.state.get(c.input)!;
      const got = out[c.output]!.data as Float32Array;
      let d = 0;
      for (let j = 0; j < want.length; j++) d = Math.max(d, Math.abs(got[j]! - want[j]!));
      expect(d, c.input).toBeLessThanOrEqual(1e-5);
    }
  });

  it('k must be a whole number >= 1', () => {
    const { step } = buildStudioTrainStep(buildTemplate('lenet5', { variant: 'classic' }), { batchSize: 2, optimizer: { kind: 'sgd', momentum: 0.9 } });
    expect(() => unrollTrainSteps(step, 0)).toThrow(/k must be a whole number >= 1, got 0/);
    expect(unrollTrainSteps(step, 1).carried.map((c) => c.output)).toEqual([...step.weights, ...step.optimizerState].map((s) => `s0/${s.updated}`));
  });
});
