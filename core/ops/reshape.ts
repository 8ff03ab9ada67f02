/**
 * Ops that change a tensor's shape but not its data order in memory (Reshape, Flatten, Squeeze,
 * Unsqueeze), permute it (Transpose) or repeat it (Expand, Tile). Gradients move dy back: Reshape
 * to x's shape, the inverse permutation, the sum over the broadcast axes.
 */
import { importMappers } from '../onnx/import-ops';
import { attrInt, attrInts, normAxis } from '../train/attrs';
import { int, ints, type AttrSpecs } from './attributes';
import { unary } from './define';
import type { UnaryValues } from './elementwise-grad';
import type { GradValue } from './grad-value';
import { broadcastShapes, type ShapeContext } from './shape-context';
import type { OpRecord } from './types';

/** Shape-only ops (Reshape, Flatten, Squeeze, Unsqueeze): the data is unchanged, so dx = Reshape(dy, x.shape). */
const reshapeBack = <S extends AttrSpecs>(v: UnaryValues<S>): GradValue => v.dy.reshape(v.x.shape);

/** Flatten(axis): [d0..dk..] -> [d0 * .. * d(axis-1), d(axis) * ..]. */
export const flatten = unary('Flatten', {
  attrs: { axis: int(1) },
  shape: (c) => {
    const s = c.get(0).shape;
    const axis = normAxis(attrInt(c.node, 'axis', 1), s.length);
    const lead = s.slice(0, axis).reduce((p, q) => p * q, 1);
    const tail = s.slice(axis).reduce((p, q) => p * q, 1);
    c.set(0, { dtype: c.get(0).dtype, shape: [lead, tail] });
  },
  grad: reshapeBack,
  perSample: (n) => (attrInt(n, 'axis', 1) === 0 ? 'Flatten from axis 0' : null),
  import: importMappers.flatten,
});

/** Reshape: target dims from input 1 (0 copies the input dim unless allowzero, -1 is inferred). */
export const reshape = unary('Reshape', {
  attrs: { allowzero: int(0) },
  shape: (c) => {
    const s = c.get(0).shape;
    const target = [...c.constOf(1)];
    const allowZero = attrInt(c.node, 'allowzero', 0) === 1;
    for (let i = 0; i < target.length; i++) if (target[i] === 0 && !allowZero) target[i] = s[i]!;
    const total = s.reduce((p, q) => p * q, 1);
    const known = target.filter((d) => d !== -1).reduce((p, q) => p * q, 1);
    c.set(0, { dtype: c.get(0).dtype, shape: target.map((d) => (d === -1 ? total / known : d)) });
    c.forwardConst();
  },
  grad: reshapeBack,
  // The shape check at each shard size (per-sample.ts) refuses a Reshape that touches the batch axis.
  perSample: true,
  import: importMappers.reshape,
});

/** Squeeze / Unsqueeze: remove / insert unit dims at `axes` (input 1, or the attribute before opset 13). */
function squeezeShape(c: ShapeContext): void {
  const s = c.get(0).shape;
  const axes = c.has(1) ? c.constOf(1) : attrInts(c.node, 'axes');
  let shape: number[];
  if (c.node.opType === 'Squeeze') {
    const ax = axes ? axes.map((a) => normAxis(a, s.length)) : s.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0);
    shape = s.filter((_, i) => !ax.includes(i));
  } else {
    if (!axes) throw new Error(`${c.where()}: axes missing`);
    const r = s.length + axes.length;
    const ax = axes.map((a) => normAxis(a, r));
    shape = [];
    let j = 0;
    for (let i = 0; i < r; i++) shape.push(ax.includes(i) ? 1 : s[j++]!);
  }
  c.set(0, { dtype: c.get(0).dtype, shape });
  c.forwardConst();
}
export const squeeze = unary('Squeeze', { attrs: { axes: ints() }, shape: squeezeShape, grad: reshapeBack, perSample: true });
export const unsqueeze = unary('Unsqueeze', {
  attrs: { axes: ints() },
  shape: squeezeShape,
  grad: reshapeBack,
  perSample: true,
  gaps: { webgpu: ['Unsqueeze.int64'] },
});

/** Transpose with perm p (default: reversed axes): dx = Transpose(dy, inverse(p)). */
export const transpose = unary('Transpose', {
  attrs: { perm: ints() },
  shape: (c) => {
    const s = c.get(0).shape;
    const perm = attrInts(c.node, 'perm') ?? s.map((_, i) => s.length - 1 - i);
    c.set(0, { dtype: c.get(0).dtype, shape: perm.map((p) => s[p]!) });
  },
  grad: (v) => {
    const xs = v.x.shape;
    const perm = v.a.perm ?? xs.map((_, i) => xs.length - 1 - i);
    const inv = new Array<number>(perm.length);
    perm.forEach((p, i) => {
      inv[p] = i;
    });
    return v.dy.transpose(inv);
  },
  perSample: (n) => {
    const perm = attrInts(n, 'perm');
    return !perm || perm[0] !== 0 ? 'Transpose that moves the batch axis' : null;
  },
});

/** Expand: y = broadcast(x) to input 1's shape  =>  dx = dy summed back to x's shape. */
export const expand = unary('Expand', {
  shape: (c) => c.set(0, { dtype: c.get(0).dtype, shape: broadcastShapes(c.get(0).shape, c.constOf(1)) }),
  grad: (v) => v.dy.sumTo(v.x),
});

export const tile: OpRecord = {
  type: 'Tile',
  shape: (c) => {
    const r = c.constOf(1);
    c.set(0, { dtype: c.get(0).dtype, shape: c.get(0).shape.map((d, i) => d * r[i]!) });
  },
};
