import type { GradRule } from './types';
import { inShape, op } from './util';

/** Abs: dx = dy * sign(x) (0 at x == 0, as PyTorch). */
export const absGrad: GradRule = (node, [dy], ctx, need) => {
  if (!dy || !need[0]) return [];
  const xs = inShape(ctx, node, 0);
  return [op(ctx, 'Mul', [dy, op(ctx, 'Sign', [node.inputs[0]!], xs)], xs)];
};
