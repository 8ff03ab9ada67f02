import { attrInt, normAxis } from '../attrs';
import type { GradRule } from './types';
import { inShape, op } from './util';

/** LogSoftmax (opset 13, one axis): dx = dy - exp(y) * sum_axis(dy). */
export const logSoftmaxGrad: GradRule = (node, [dy], ctx, need) => {
  if (!dy || !need[0]) return [];
  const xs = inShape(ctx, node, 0);
  const axis = normAxis(attrInt(node, 'axis', -1), xs.length);
  const s = ctx.g.op1('ReduceSum', [dy, ctx.i64([axis])], { keepdims: 1 });
  const p = op(ctx, 'Exp', [node.outputs[0]!], xs);
  return [op(ctx, 'Sub', [dy, op(ctx, 'Mul', [p, s], xs)], xs)];
};
