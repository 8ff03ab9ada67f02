import { attrFloat } from '../attrs';
import type { GradRule } from './types';
import { inShape, op } from './util';

/** LeakyRelu: y = x (x > 0) else alpha * x  =>  dx = dy * (x > 0 ? 1 : alpha). */
export const leakyReluGrad: GradRule = (node, [dy], ctx, need) => {
  if (!dy || !need[0]) return [];
  const xs = inShape(ctx, node, 0);
  const alpha = attrFloat(node, 'alpha', 0.01);
  const pos = ctx.g.op1('Greater', [node.inputs[0]!, ctx.f32([0])]);
  const slope = ctx.g.op1('Where', [pos, ctx.f32([1]), ctx.f32([alpha])]);
  return [op(ctx, 'Mul', [dy, slope], xs)];
};
