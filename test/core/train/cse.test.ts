/** Common-subexpression elimination of train-step graphs (core/train/cse.ts). */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../core/onnx/builder';
import { eliminateCommonSubexpressions } from '../../../core/train/cse';
import { makeModel } from '../../../core/train/build-train-step';
import { createSession, f32 } from '../../../main/trainer/ort-session';

function graph() {
  const g = new GraphBuilder('cse');
  const x = g.input('x', 'float32', [2, 3, 4, 5]);
  // The same transpose twice (two weight-gradient rules), then each feeds a different consumer.
  const t1 = g.op1('Transpose', [x], { perm: [1, 0, 2, 3] });
  const t2 = g.op1('Transpose', [x], { perm: [1, 0, 2, 3] });
  const t3 = g.op1('Transpose', [x], { perm: [0, 1, 3, 2] });
  const a = g.op1('Neg', [t1]);
  const b = g.op1('Abs', [t2]);
  // Duplicates once their inputs are renamed: Relu(t1) and Relu(t2).
  const r1 = g.op1('Relu', [t1]);
  const r2 = g.op1('Relu', [t2]);
  const s = g.op1('Sum', [a, b, r1, r2]);
  // A duplicate of a node whose output is a graph output stays.
  g.op('Neg', [t1], {}, { outputNames: ['neg_out'] });
  g.output(s, 'float32', [3, 2, 4, 5]);
  g.output(t3, 'float32', [2, 3, 5, 4]);
  g.output('neg_out', 'float32', [3, 2, 4, 5]);
  return { g: g.build(), s };
}

describe('eliminateCommonSubexpressions', () => {
  it('drops repeated nodes (also once their inputs are renamed) and keeps graph outputs', () => {
    const { g } = graph();
    const r = eliminateCommonSubexpressions(g);
    expect(r.removed).toBe(2);
    expect(r.graph.nodes.filter((n) => n.opType === 'Transpose').length).toBe(2);
    expect(r.graph.nodes.filter((n) => n.opType === 'Relu').length).toBe(1);
    expect(r.graph.nodes.filter((n) => n.opType === 'Neg').length).toBe(2);
  });

  it('computes the same outputs in onnxruntime', async () => {
    const { g, s } = graph();
    const x = f32(
      Float32Array.from({ length: 120 }, (_, i) => Math.sin(i)),
      [2, 3, 4, 5],
    );
    const before = await (await createSession(makeModel(g, 'a'))).run({ x });
    const after = await (await createSession(makeModel(eliminateCommonSubexpressions(g).graph, 'b'))).run({ x });
    expect(Array.from(after[s]!.data as Float32Array)).toEqual(Array.from(before[s]!.data as Float32Array));
    expect(Array.from(after.neg_out!.data as Float32Array)).toEqual(Array.from(before.neg_out!.data as Float32Array));
  });

  it('keeps random ops', () => {
    const g = new GraphBuilder('rand');
    const a = g.op1('RandomNormal', [], { shape: [2], seed: 1 });
    const b = g.op1('RandomNormal', [], { shape: [2], seed: 1 });
    g.output(g.op1('Add', [a, b]), 'float32', [2]);
    expect(eliminateCommonSubexpressions(g.build()).removed).toBe(0);
  });
});
