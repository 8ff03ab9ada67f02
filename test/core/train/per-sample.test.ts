/**
 * Which forward graphs may be split into batch shards (core/train/per-sample.ts): only those whose
 * every op treats samples independently and whose shapes follow the batch size.
 */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../core/onnx/builder';
import type { TrainableGraph } from '../../../core/train/build-train-step';
import { batchCouplingReason, shardSizes } from '../../../core/train/per-sample';

/** x [N, 4, 6, 6] -> Conv(8) -> Relu -> (middle) -> Flatten -> Gemm(10), with `middle` inserted. */
function net(middle: (g: GraphBuilder, x: string) => string, opts: { batch?: number | string } = {}): TrainableGraph {
  const g = new GraphBuilder('t');
  const x = g.input('x', 'float32', [opts.batch ?? 'N', 4, 6, 6]);
  g.input('w', 'float32', [8, 4, 3, 3]);
  g.input('fc', 'float32', [10, 8 * 16]);
  const c = g.op1('Relu', [g.op1('Conv', [x, 'w'], { kernel_shape: [3, 3] })]);
  const f = g.op1('Flatten', [middle(g, c)], { axis: 1 });
  const y = g.op1('Gemm', [f, 'fc'], { transB: 1 });
  g.output(y, 'float32', [opts.batch ?? 'N', 10]);
  return { graph: g.build(), input: x, logits: y, trainable: ['w', 'fc'] };
}

describe('batchCouplingReason', () => {
  it('accepts per-sample ops, including a Reshape that keeps the batch free (0 / -1)', () => {
    expect(
      batchCouplingReason(
        net((_, c) => c),
        [4, 4],
      ),
    ).toBeNull();
    expect(
      batchCouplingReason(
        net((g, c) => g.op1('MaxPool', [c], { kernel_shape: [1, 1] })),
        [3, 2, 2],
      ),
    ).toBeNull();
    expect(
      batchCouplingReason(
        net((g, c) => g.op1('Reshape', [c, g.initializer('s', 'int64', [4], BigInt64Array.from([0n, 8n, 4n, 4n]))])),
        [4, 4],
      ),
    ).toBeNull();
  });

  it('refuses a Reshape that fixes the batch size', () => {
    const r = batchCouplingReason(
      net((g, c) => g.op1('Reshape', [c, g.initializer('s', 'int64', [4], BigInt64Array.from([8n, 8n, 4n, 4n]))])),
      [4, 4],
    );
    expect(r).toMatch(/changes shape with the batch size|shapes do not follow/);
  });

  it('refuses ops that mix samples, naming the node', () => {
    const bn = (g: GraphBuilder, c: string): string => {
      for (const n of ['s', 'b', 'm', 'v']) g.input(n, 'float32', [8]);
      return g.op1('BatchNormalization', [c, 's', 'b', 'm', 'v'], { training_mode: 1 }, { name: 'bn' });
    };
    expect(batchCouplingReason(net(bn), [4, 4])).toMatch(/"bn.*BatchNormalization/);
    const softmax0 = (g: GraphBuilder, c: string): string => g.op1('Softmax', [c], { axis: 0 }, { name: 'sm' });
    expect(batchCouplingReason(net(softmax0), [4, 4])).toMatch(/"sm.*batch axis/);
    const transpose = (g: GraphBuilder, c: string): string =>
      g.op1('Transpose', [g.op1('Transpose', [c], { perm: [1, 0, 2, 3] }, { name: 'tr' })], { perm: [1, 0, 2, 3] });
    expect(batchCouplingReason(net(transpose), [4, 4])).toMatch(/"tr.*moves the batch axis/);
    const reduce = (g: GraphBuilder, c: string): string => g.op1('Sub', [c, g.op1('ReduceMean', [c], { axes: [0], keepdims: 1 }, { name: 'mean' })]);
    expect(batchCouplingReason(net(reduce), [4, 4])).toMatch(/"mean.*ReduceMean is not known to treat samples independently/);
  });

  it('refuses a Slice or Pad that reorders or shifts samples while keeping the batch size', () => {
    const i64 = (g: GraphBuilder, name: string, v: number[]): string => g.initializer(name, 'int64', [v.length], BigInt64Array.from(v.map(BigInt)));
    const reverse = (g: GraphBuilder, c: string): string =>
      g.op1('Slice', [c, i64(g, 's', [-1]), i64(g, 'e', [-1000]), i64(g, 'a', [0]), i64(g, 'st', [-1])], {}, { name: 'flip' });
    expect(batchCouplingReason(net(reverse), [4, 4])).toMatch(/"flip.*Slice along the batch axis/);
    const shift = (g: GraphBuilder, c: string): string => g.op1('Pad', [c, i64(g, 'p', [1, 0, 0, 0, -1, 0, 0, 0])], {}, { name: 'shift' });
    expect(batchCouplingReason(net(shift), [4, 4])).toMatch(/"shift.*Pad along the batch axis/);
    // The same ops on spatial axes keep samples apart.
    const crop = (g: GraphBuilder, c: string): string =>
      g.op1('Pad', [g.op1('Slice', [c, i64(g, 's', [1]), i64(g, 'e', [4]), i64(g, 'a', [3])]), i64(g, 'p', [0, 0, 0, 1, 0, 0, 0, 0])]);
    expect(batchCouplingReason(net(crop), [4, 4])).toBeNull();
  });

  it('refuses running statistics and impossible splits', () => {
    expect(batchCouplingReason({ ...net((_, c) => c), stateUpdates: { m: 'm2' } }, [4, 4])).toMatch(/batch norm/);
    expect(
      batchCouplingReason(
        net((_, c) => c),
        [8],
      ),
    ).toMatch(/cannot be split/);
    expect(
      batchCouplingReason(
        net((_, c) => c),
        [1, 0],
      ),
    ).toMatch(/cannot be split/);
  });
});

it('shardSizes: near-equal slices, larger first', () => {
  expect(shardSizes(64, 2)).toEqual([32, 32]);
  expect(shardSizes(65, 2)).toEqual([33, 32]);
  expect(shardSizes(8, 3)).toEqual([3, 3, 2]);
});
