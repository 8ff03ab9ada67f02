import type { GradRule } from './types';
import { inShape, outShape } from './util';

/** Add: y = a + b (broadcast)  =>  da = unbroadcast(dy), db = unbroadcast(dy). */
export const addGrad: GradRule = (node, [dy], ctx, need) => {
  if (!dy) return [];
  const ys = outShape(ctx, node);
  return [0, 1].map((i) => (need[i] ? ctx.unbroadcast(dy, ys, inShape(ctx, node, i)) : undefined));
};
