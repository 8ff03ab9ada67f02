import { attrFloat } from '../attrs';
import type { GradRule } from './types';
import { inShape, op } from './util';

/** Elu: y = x (x > 0) else alpha * (exp(x) - 1)  =>  dx = dy * (x > 0 ? 1 : y + alpha). */
export const eluGrad: GradRule = (node, [dy], ctx, need) => {
  if (!dy || !need[0]) return [];
  const xs = inShape(ctx, node, 0);
  const alpha = attrFloat(node, 'alpha', 1);
  const pos = ctx.g.op1('Greater', [node.inputs[0]!, ctx.f32([0])]);
  const slope = op(ctx, 'Where', [pos, ctx.f32([1]), op(ctx, 'Add', [node.outputs[0]!, ctx.f32([alpha])], xs)], xs);
  return [op(ctx, 'Mul', [dy, slope], xs)];
};
