import type { GradRule } from './types';
import { inShape } from './util';

/**
 * Shape-only ops (Reshape, Flatten, Squeeze, Unsqueeze): the data is unchanged, so
 * dx = Reshape(dy, x.shape).
 */
export const reshapeGrad: GradRule = (node, [dy], ctx, need) => {
  if (!dy || !need[0]) return [];
  const xs = inShape(ctx, node, 0);
  const dx = ctx.g.op1('Reshape', [dy, ctx.i64(xs)]);
  ctx.setShape(dx, xs);
  return [dx];
};
