import type { GradRule } from './types';
import { inShape, op } from './util';

/** Exp: dx = dy * y. */
export const expGrad: GradRule = (node, [dy], ctx, need) => (dy && need[0] ? [op(ctx, 'Mul', [dy, node.outputs[0]!], inShape(ctx, node, 0))] : []);
