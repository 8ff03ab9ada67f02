import { attrInt } from '../attrs';
import type { GradRule } from './types';
import { inShape, op } from './util';

/** Cast float -> float: dx = Cast(dy, x's type). Casts to or from integer types carry no gradient. */
export const castGrad: GradRule = (node, [dy], ctx, need) => {
  if (!dy || !need[0]) return [];
  const from = ctx.dtype(node.inputs[0]!);
  const to = attrInt(node, 'to', 1);
  const floatTo = to === 1 || to === 10 || to === 11;
  if (!floatTo || !(from === 'float32' || from === 'float16' || from === 'float64')) return [];
  const code = from === 'float32' ? 1 : from === 'float16' ? 10 : 11;
  return [code === to ? dy : op(ctx, 'Cast', [dy], inShape(ctx, node, 0), { to: code })];
};
