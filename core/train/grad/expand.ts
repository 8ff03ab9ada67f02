import type { GradRule } from './types';
import { inShape, outShape } from './util';

/** Expand: y = broadcast(x)  =>  dx = unbroadcast(dy). */
export const expandGrad: GradRule = (node, [dy], ctx, need) => (dy && need[0] ? [ctx.unbroadcast(dy, outShape(ctx, node), inShape(ctx, node, 0))] : []);
