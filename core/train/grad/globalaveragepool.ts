import type { GradRule } from './types';
import { inShape } from './util';

/** GlobalAveragePool: y[n,c] = mean_hw x[n,c,h,w]  =>  dx = broadcast(dy / (H*W)). */
export const globalAveragePoolGrad: GradRule = (node, [dy], ctx, need) => {
  if (!dy || !need[0]) return [];
  const xs = inShape(ctx, node, 0);
  const area = xs.slice(2).reduce((a, b) => a * b, 1);
  const scaled = ctx.g.op1('Mul', [dy, ctx.f32([1 / area])]);
  const dx = ctx.g.op1('Expand', [scaled, ctx.i64(xs)]);
  ctx.setShape(dx, xs);
  return [dx];
};
