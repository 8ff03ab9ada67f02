import type { GradRule } from './types';
import { inShape, op } from './util';

/** Neg: dx = -dy. */
export const negGrad: GradRule = (node, [dy], ctx, need) => (dy && need[0] ? [op(ctx, 'Neg', [dy], inShape(ctx, node, 0))] : []);
