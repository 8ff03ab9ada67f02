/**
 * Reductions over axes (ReduceX) and ArgMax / ArgMin. The axes come from the attribute (before
 * opset 18) or input 1; none means all axes unless noop_with_empty_axes.
 */
import { importMappers } from '../onnx/import-ops';
import type { Node } from '../onnx/ir';
import { attrInt, attrInts, normAxis } from '../train/attrs';
import type { GradContext, GradRule } from '../train/grad/types';
import { int, ints } from './attributes';
import { noGradient } from './define';
import type { ShapeContext } from './shape-context';
import type { OpRecord } from './types';

function reduceShape(c: ShapeContext): void {
  const s = c.get(0).shape;
  const arg = c.node.opType.startsWith('Arg');
  const keep = attrInt(c.node, 'keepdims', 1) === 1;
  let axes = attrInts(c.node, 'axes') ?? (arg ? [attrInt(c.node, 'axis', 0)] : undefined);
  if (!axes && c.has(1)) axes = c.constOf(1);
  if (!axes || axes.length === 0) {
    axes = attrInt(c.node, 'noop_with_empty_axes', 0) === 1 ? [] : s.map((_, i) => i);
  }
  const ax = axes.map((a) => normAxis(a, s.length));
  const shape: number[] = [];
  s.forEach((d, i) => {
    if (!ax.includes(i)) shape.push(d);
    else if (keep) shape.push(1);
  });
  c.set(0, { dtype: arg ? 'int64' : c.get(0).dtype, shape });
}

/** Reduced axes of a Reduce* node, normalised. */
function reduceAxes(node: Node, ctx: GradContext, rank: number): number[] {
  let axes = attrInts(node, 'axes');
  if (!axes && node.inputs[1]) {
    axes = ctx.constValue(node.inputs[1]);
    if (!axes) throw new Error(`${node.opType} "${node.name}": axes must be constant`);
  }
  if (!axes || axes.length === 0) return attrInt(node, 'noop_with_empty_axes', 0) === 1 ? [] : Array.from({ length: rank }, (_, i) => i);
  return axes.map((a) => normAxis(a, rank));
}

/** dx = broadcast(dy * scale) back to x's shape: reshape to the keepdims form, Expand. */
function expandReduced(ctx: GradContext, node: Node, dy: string, scale: number): string {
  const xs = ctx.shape(node.inputs[0]!);
  const axes = reduceAxes(node, ctx, xs.length);
  const kept = xs.map((d, i) => (axes.includes(i) ? 1 : d));
  let v = dy;
  if (attrInt(node, 'keepdims', 1) !== 1) v = ctx.g.op1('Reshape', [v, ctx.i64(kept)]);
  if (scale !== 1) v = ctx.g.op1('Mul', [v, ctx.f32([scale])]);
  return ctx.g.op1('Expand', [v, ctx.i64(xs)]);
}

/** ReduceSum: dx = broadcast(dy). */
const reduceSumGrad: GradRule = (node, dy, ctx) => [expandReduced(ctx, node, dy, 1)];
/** ReduceMean over axes A: dx = broadcast(dy) / prod_{a in A} x.shape[a]. */
const reduceMeanGrad: GradRule = (node, dy, ctx) => {
  const xs = ctx.shape(node.inputs[0]!);
  const count = reduceAxes(node, ctx, xs.length).reduce((p, a) => p * xs[a]!, 1);
  return [expandReduced(ctx, node, dy, 1 / count)];
};

const REDUCE_ATTRS = { axes: ints(), keepdims: int(1), noop_with_empty_axes: int(0) };
const reduction = (type: string, extra: Partial<OpRecord> = {}): OpRecord => ({ type, attrs: REDUCE_ATTRS, shape: reduceShape, ...extra });

export const reduceSum = reduction('ReduceSum', { grad: reduceSumGrad, differentiable: [0] });
export const reduceMean = reduction('ReduceMean', { grad: reduceMeanGrad, differentiable: [0], import: importMappers.reduceMean });
export const reduceMax = reduction('ReduceMax');
export const reduceMin = reduction('ReduceMin');
export const reduceProd = reduction('ReduceProd');
export const reduceL1 = reduction('ReduceL1');
export const reduceL2 = reduction('ReduceL2');
export const reduceLogSum = reduction('ReduceLogSum');
export const reduceLogSumExp = reduction('ReduceLogSumExp');
export const reduceSumSquare = reduction('ReduceSumSquare');
export const argMax = noGradient('ArgMax', { attrs: { axis: int(0), keepdims: int(1) }, shape: reduceShape });
export const argMin = noGradient('ArgMin', { attrs: { axis: int(0), keepdims: int(1) }, shape: reduceShape });
