import type { GradRule } from './types';
import { inShape, op, outShape } from './util';

/** Where(c, a, b): da = unbroadcast(c ? dy : 0), db = unbroadcast(c ? 0 : dy); c has no gradient. */
export const whereGrad: GradRule = (node, [dy], ctx, need) => {
  if (!dy) return [];
  const ys = outShape(ctx, node);
  const c = node.inputs[0]!;
  const zero = ctx.f32([0]);
  const res: (string | undefined)[] = [];
  if (need[1]) res[1] = ctx.unbroadcast(op(ctx, 'Where', [c, dy, zero], ys), ys, inShape(ctx, node, 1));
  if (need[2]) res[2] = ctx.unbroadcast(op(ctx, 'Where', [c, zero, dy], ys), ys, inShape(ctx, node, 2));
  return res;
};
