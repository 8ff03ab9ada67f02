import type { GradRule } from './types';
import { inShape, op } from './util';

/** Reciprocal: y = 1/x  =>  dx = -dy * y^2. */
export const reciprocalGrad: GradRule = (node, [dy], ctx, need) => {
  if (!dy || !need[0]) return [];
  const xs = inShape(ctx, node, 0);
  const y = node.outputs[0]!;
  return [op(ctx, 'Neg', [op(ctx, 'Mul', [dy, op(ctx, 'Mul', [y, y], xs)], xs)], xs)];
};
