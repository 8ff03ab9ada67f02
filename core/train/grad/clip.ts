import type { GradRule } from './types';
import { inShape, op } from './util';

/**
 * Clip(x, min, max) = torch.clamp: dx = dy where min <= x <= max, else 0 (clamp_backward's mask;
 * an absent bound is no bound). Bounds are not differentiated.
 */
export const clipGrad: GradRule = (node, [dy], ctx, need) => {
  if (!dy || !need[0]) return [];
  const xs = inShape(ctx, node, 0);
  const x = node.inputs[0]!;
  const g = ctx.g;
  const lo = node.inputs[1] ? g.op1('GreaterOrEqual', [x, node.inputs[1]]) : undefined;
  const hi = node.inputs[2] ? g.op1('LessOrEqual', [x, node.inputs[2]]) : undefined;
  const mask = lo && hi ? g.op1('And', [lo, hi]) : lo ?? hi;
  if (!mask) return [dy];
  return [op(ctx, 'Where', [mask, dy, ctx.f32([0])], xs)];
};
