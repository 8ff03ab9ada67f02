import type { GradRule } from './types';
import { inShape, op } from './util';

/** Sigmoid: dx = dy * y * (1 - y). */
export const sigmoidGrad: GradRule = (node, [dy], ctx, need) => {
  if (!dy || !need[0]) return [];
  const xs = inShape(ctx, node, 0);
  const y = node.outputs[0]!;
  const oneMinus = op(ctx, 'Sub', [ctx.f32([1]), y], xs);
  return [op(ctx, 'Mul', [op(ctx, 'Mul', [dy, y], xs), oneMinus], xs)];
};
