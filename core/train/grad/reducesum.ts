import type { GradRule } from './types';
import { expandReduced } from './reduce';

/** ReduceSum: dx = broadcast(dy) to x's shape. */
export const reduceSumGrad: GradRule = (node, [dy], ctx, need) => (dy && need[0] ? [expandReduced(ctx, node, dy, 1)] : []);
