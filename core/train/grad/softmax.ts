import { attrInt, normAxis } from '../attrs';
import type { GradRule } from './types';
import { inShape, op } from './util';

/** Softmax (opset 13, one axis): dx = y * (dy - sum_axis(dy * y)). */
export const softmaxGrad: GradRule = (node, [dy], ctx, need) => {
  if (!dy || !need[0]) return [];
  const xs = inShape(ctx, node, 0);
  const axis = normAxis(attrInt(node, 'axis', -1), xs.length);
  const y = node.outputs[0]!;
  const s = ctx.g.op1('ReduceSum', [op(ctx, 'Mul', [dy, y], xs), ctx.i64([axis])], { keepdims: 1 });
  return [op(ctx, 'Mul', [y, op(ctx, 'Sub', [dy, s], xs)], xs)];
};
