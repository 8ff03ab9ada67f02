import type { GradRule } from './types';
import { inShape, outShape } from './util';

/** Sum (variadic, broadcast): dx_i = unbroadcast(dy). */
export const sumGrad: GradRule = (node, [dy], ctx, need) => {
  if (!dy) return [];
  const ys = outShape(ctx, node);
  return node.inputs.map((_, i) => (need[i] ? ctx.unbroadcast(dy, ys, inShape(ctx, node, i)) : undefined));
};
