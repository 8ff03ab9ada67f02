import type { GradRule } from './types';
import { inShape, op, outShape } from './util';

/**
 * Pow: y = a^b (broadcast).  da = unbroadcast(dy * b * a^(b-1));  db = unbroadcast(dy * y * ln a)
 * (db only when the exponent itself is trained; a must then be positive).
 */
export const powGrad: GradRule = (node, [dy], ctx, need) => {
  if (!dy) return [];
  const [a, b] = node.inputs as [string, string];
  const ys = outShape(ctx, node);
  const res: (string | undefined)[] = [];
  if (need[0]) {
    const bc = ctx.constValue(b);
    let t: string;
    if (bc && bc.length === 1 && bc[0] === 2) t = op(ctx, 'Mul', [a, ctx.f32([2])], ys);
    else {
      const bm1 = op(ctx, 'Sub', [b, ctx.f32([1])], inShape(ctx, node, 1));
      t = op(ctx, 'Mul', [b, op(ctx, 'Pow', [a, bm1], ys)], ys);
    }
    res[0] = ctx.unbroadcast(op(ctx, 'Mul', [dy, t], ys), ys, inShape(ctx, node, 0));
  }
  if (need[1]) {
    const t = op(ctx, 'Mul', [node.outputs[0]!, op(ctx, 'Log', [a], inShape(ctx, node, 0))], ys);
    res[1] = ctx.unbroadcast(op(ctx, 'Mul', [dy, t], ys), ys, inShape(ctx, node, 1));
  }
  return res;
};
