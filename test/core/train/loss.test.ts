/** Cross-entropy (label smoothing, class weights) against PyTorch's values (loss-reference.json). */
import { describe, expect, it } from 'vitest';
import { lossReference } from '../../helpers/loss-reference';
import { GraphBuilder } from '../../../core/onnx/builder';
import { makeModel } from '../../../core/train/build-train-step';
import { emitCrossEntropy } from '../../../core/train/loss';
import { createSession, f32, i64 } from '../../../main/trainer/ort-session';

const ref = lossReference;

describe('mean softmax cross-entropy', () => {
  it.each(ref.cases.map((c) => [`smoothing ${c.smoothing}, ${c.weighted ? 'class weights' : 'unweighted'}`, c] as const))('%s', async (_n, c) => {
    const g = new GraphBuilder('ce');
    g.input('z', 'float32', [4, 5]);
    g.input('y', 'int64', [4]);
    const { loss, dLogits } = emitCrossEntropy(g, 'z', 'y', 4, 5, { labelSmoothing: c.smoothing, classWeights: c.weighted ? ref.weights : undefined });
    g.output(loss, 'float32', []);
    g.output(dLogits, 'float32', [4, 5]);
    const s = await createSession(makeModel(g.build(), 'ce'));
    const out = await s.run({ z: f32(Float32Array.from(ref.logits), [4, 5]), y: i64(BigInt64Array.from(ref.labels.map(BigInt)), [4]) });
    expect((out[loss]!.data as Float32Array)[0]).toBeCloseTo(c.loss, 5);
    const d = out[dLogits]!.data as Float32Array;
    c.grad.forEach((v, i) => expect(Math.abs(d[i]! - v)).toBeLessThan(1e-6));
    await s.release();
  });
});
