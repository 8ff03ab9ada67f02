import { attrInt, normAxis } from '../attrs';
import type { GradRule } from './types';
import { inShape } from './util';

/** Concat along axis: dx_i = Split(dy, sizes along axis)[i]. */
export const concatGrad: GradRule = (node, [dy], ctx, need) => {
  if (!dy) return [];
  const shapes = node.inputs.map((_, i) => inShape(ctx, node, i));
  const axis = normAxis(attrInt(node, 'axis', 0), shapes[0]!.length);
  const sizes = shapes.map((s) => s[axis]!);
  const parts = ctx.g.op('Split', [dy, ctx.i64(sizes)], { axis }, { outputs: sizes.length });
  parts.forEach((p, i) => ctx.setShape(p, shapes[i]!));
  return parts.map((p, i) => (need[i] ? p : undefined));
};
