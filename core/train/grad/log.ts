import type { GradRule } from './types';
import { inShape, op } from './util';

/** Log: dx = dy / x. */
export const logGrad: GradRule = (node, [dy], ctx, need) => (dy && need[0] ? [op(ctx, 'Div', [dy, node.inputs[0]!], inShape(ctx, node, 0))] : []);
