import type { GradRule } from './types';
import { inShape, op } from './util';

/** Relu: dx = dy where x > 0 else 0 (PyTorch's threshold_backward: 0 at x == 0). Uses y > 0 == x > 0. */
export const reluGrad: GradRule = (node, [dy], ctx, need) => {
  if (!dy || !need[0]) return [];
  const xs = inShape(ctx, node, 0);
  const pos = ctx.g.op1('Greater', [node.outputs[0]!, ctx.f32([0])]);
  return [op(ctx, 'Where', [pos, dy, ctx.f32([0])], xs)];
};
