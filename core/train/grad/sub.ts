import type { GradRule } from './types';
import { inShape, op, outShape } from './util';

/** Sub: y = a - b (broadcast)  =>  da = unbroadcast(dy), db = -unbroadcast(dy). */
export const subGrad: GradRule = (node, [dy], ctx, need) => {
  if (!dy) return [];
  const ys = outShape(ctx, node);
  const res: (string | undefined)[] = [];
  if (need[0]) res[0] = ctx.unbroadcast(dy, ys, inShape(ctx, node, 0));
  if (need[1]) {
    const bs = inShape(ctx, node, 1);
    res[1] = op(ctx, 'Neg', [ctx.unbroadcast(dy, ys, bs)], bs);
  }
  return res;
};
