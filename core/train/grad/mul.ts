import type { GradRule } from './types';
import { inShape, op, outShape } from './util';

/** Mul: y = a * b (broadcast)  =>  da = unbroadcast(dy * b), db = unbroadcast(dy * a). */
export const mulGrad: GradRule = (node, [dy], ctx, need) => {
  if (!dy) return [];
  const ys = outShape(ctx, node);
  const [a, b] = node.inputs as [string, string];
  const res: (string | undefined)[] = [];
  if (need[0]) res[0] = ctx.unbroadcast(op(ctx, 'Mul', [dy, b], ys), ys, inShape(ctx, node, 0));
  if (need[1]) res[1] = ctx.unbroadcast(op(ctx, 'Mul', [dy, a], ys), ys, inShape(ctx, node, 1));
  return res;
};
