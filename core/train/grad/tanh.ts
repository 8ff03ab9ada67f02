import type { GradRule } from './types';
import { inShape, op } from './util';

/** Tanh: dx = dy * (1 - y^2). */
export const tanhGrad: GradRule = (node, [dy], ctx, need) => {
  if (!dy || !need[0]) return [];
  const xs = inShape(ctx, node, 0);
  const y = node.outputs[0]!;
  const oneMinus = op(ctx, 'Sub', [ctx.f32([1]), op(ctx, 'Mul', [y, y], xs)], xs);
  return [op(ctx, 'Mul', [dy, oneMinus], xs)];
};
