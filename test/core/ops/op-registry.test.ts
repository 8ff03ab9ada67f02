/**
 * The op registry (core/ops): each op is one record, and the tables built from the records are
 * what the engine uses. Every op with a gradient rule is exercised by a finite-difference case,
 * and an op without a rule or shape rule fails with a message naming the op and the node.
 */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../core/onnx/builder';
import { NON_DIFFERENTIABLE, OPS, opRecord } from '../../../core/ops/registry';
import { buildBackward } from '../../../core/train/autodiff';
import { inferShapes } from '../../../core/train/shape-infer';
import { CASES } from '../../helpers/grad-cases';

/** Op types in the forward graphs of the finite-difference cases. */
function opsInGradCases(): Set<string> {
  const seen = new Set<string>();
  for (const c of CASES) {
    const g = new GraphBuilder(c.name);
    c.build(
      g,
      c.inputs.map((inp, i) => g.input(`x${i}`, 'float32', inp.shape)),
    );
    for (const n of g.nodes) seen.add(n.opType);
  }
  return seen;
}

describe('op registry', () => {
  it('has a finite-difference case for every op with a gradient rule', () => {
    const covered = opsInGradCases();
    // BatchNormTrain is the engine's stand-in for batch norm over batch statistics: the case
    // "BatchNorm with batch statistics (explicit ops)" reaches it.
    const missing = OPS.filter((r) => (r.grad || r.gradFromOutputs) && r.type !== 'BatchNormTrain' && !covered.has(r.type)).map((r) => r.type);
    expect(missing).toEqual([]);
  });

  it('marks an op either differentiable through a rule or as carrying no gradient, not both', () => {
    const both = OPS.filter((r) => NON_DIFFERENTIABLE.has(r.type) && (r.grad || r.gradFromOutputs)).map((r) => r.type);
    expect(both).toEqual([]);
    expect(opRecord('Shape')?.differentiable).toEqual([]);
    expect(opRecord('Where')?.differentiable).toEqual([1, 2]);
  });

  it('names the op and node when an op has no shape rule', () => {
    const g = new GraphBuilder('t');
    const x = g.input('x', 'float32', [2, 3]);
    g.op1('NoSuchOp', [x], {}, { name: 'mystery' });
    expect(() => inferShapes(g.build())).toThrow('NoSuchOp node "mystery": no shape rule for op NoSuchOp');
  });

  it('names the op and node when a differentiated op has no gradient rule', () => {
    const g = new GraphBuilder('t');
    const x = g.input('x', 'float32', [2, 3]);
    const y = g.op1('Max', [x, x], {}, { name: 'biggest' });
    const graph = g.build();
    const info = inferShapes(graph);
    const seed = g.constFloat('seed', new Float32Array(6), [2, 3]);
    expect(() => buildBackward({ graph, info, seeds: { [y]: seed }, wrt: [x], builder: g })).toThrow('no gradient rule for ONNX op Max (node "biggest")');
  });

  it('skips inputs an op does not differentiate (the condition of Where, the bounds of Clip)', () => {
    const g = new GraphBuilder('t');
    const x = g.input('x', 'float32', [4]);
    const lo = g.input('lo', 'float32', []);
    const y = g.op1('Clip', [x, lo]);
    const graph = g.build();
    const seed = g.constFloat('seed', new Float32Array(4), [4]);
    const back = buildBackward({ graph, info: inferShapes(graph), seeds: { [y]: seed }, wrt: [x, lo], builder: g });
    expect(back.unused).toEqual(['lo']);
    expect(back.grads.get('x')).toBeDefined();
  });
});
