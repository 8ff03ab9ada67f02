import { attrInt, normAxis } from '../attrs';
import type { GradRule } from './types';
import { inShape, outShape } from './util';

/** Split along axis: dx = Concat(dy_0, ..., dy_k) with zeros for outputs that got no gradient. */
export const splitGrad: GradRule = (node, dOut, ctx, need) => {
  if (!need[0] || dOut.every((d) => !d)) return [];
  const xs = inShape(ctx, node, 0);
  const axis = normAxis(attrInt(node, 'axis', 0), xs.length);
  const parts = node.outputs.map((_, i) => dOut[i] ?? ctx.zeros(outShape(ctx, node, i)));
  const dx = ctx.g.op1('Concat', parts, { axis });
  ctx.setShape(dx, xs);
  return [dx];
};
