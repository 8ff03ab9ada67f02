import { attrInt, attrInts, normAxis } from '../attrs';
import type { GradContext } from './types';
import type { Node } from '../../onnx/ir';

/** Reduced axes of a Reduce* node (attribute before opset 18, or input 1), normalised. */
export function reduceAxes(node: Node, ctx: GradContext, rank: number): number[] {
  let axes = attrInts(node, 'axes');
  if (!axes && node.inputs[1]) {
    axes = ctx.constValue(node.inputs[1]);
    if (!axes) throw new Error(`${node.opType} "${node.name}": axes must be constant`);
  }
  if (!axes || axes.length === 0) return attrInt(node, 'noop_with_empty_axes', 0) === 1 ? [] : Array.from({ length: rank }, (_, i) => i);
  return axes.map((a) => normAxis(a, rank));
}

/** Broadcasts the gradient of a reduction back to the input shape: reshape to keepdims form, Expand. */
export function expandReduced(ctx: GradContext, node: Node, dy: string, scale: number): string {
  const xs = ctx.shape(node.inputs[0]!);
  const axes = reduceAxes(node, ctx, xs.length);
  const kept = xs.map((d, i) => (axes.includes(i) ? 1 : d));
  let v = dy;
  if (attrInt(node, 'keepdims', 1) !== 1) v = ctx.g.op1('Reshape', [v, ctx.i64(kept)]);
  if (scale !== 1) v = ctx.g.op1('Mul', [v, ctx.f32([scale])]);
  const dx = ctx.g.op1('Expand', [v, ctx.i64(xs)]);
  ctx.setShape(dx, xs);
  return dx;
}
