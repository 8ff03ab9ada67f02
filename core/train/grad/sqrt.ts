import type { GradRule } from './types';
import { inShape, op } from './util';

/** Sqrt: dx = dy * 0.5 / y. */
export const sqrtGrad: GradRule = (node, [dy], ctx, need) => {
  if (!dy || !need[0]) return [];
  const xs = inShape(ctx, node, 0);
  return [op(ctx, 'Mul', [op(ctx, 'Div', [dy, node.outputs[0]!], xs), ctx.f32([0.5])], xs)];
};
