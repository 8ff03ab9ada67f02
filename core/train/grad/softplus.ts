import type { GradRule } from './types';
import { inShape, op } from './util';

/** Softplus: y = log(1 + exp(x))  =>  dx = dy * sigmoid(x). */
export const softplusGrad: GradRule = (node, [dy], ctx, need) => {
  if (!dy || !need[0]) return [];
  const xs = inShape(ctx, node, 0);
  return [op(ctx, 'Mul', [dy, op(ctx, 'Sigmoid', [node.inputs[0]!], xs)], xs)];
};
