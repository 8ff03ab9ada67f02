import type { GradRule } from './types';
import { reduceAxes, expandReduced } from './reduce';
import { inShape } from './util';

/** ReduceMean over axes A: dx = broadcast(dy) / prod_{a in A} x.shape[a]. */
export const reduceMeanGrad: GradRule = (node, [dy], ctx, need) => {
  if (!dy || !need[0]) return [];
  const xs = inShape(ctx, node, 0);
  const count = reduceAxes(node, ctx, xs.length).reduce((p, a) => p * xs[a]!, 1);
  return [expandReduced(ctx, node, dy, 1 / count)];
};
