import { normAxis } from '../attrs';
import type { GradRule } from './types';
import { inShape } from './util';

/**
 * Slice with step 1: y = x[start : end] per axis, so dx = Pad(dy, start, dim - end) with zeros.
 */
export const sliceGrad: GradRule = (node, dy, ctx) => {
  const xs = inShape(ctx, node, 0);
  const r = xs.length;
  const cv = (i: number) => (node.inputs[i] ? ctx.constValue(node.inputs[i]!) : undefined);
  const starts = cv(1);
  const ends = cv(2);
  if (!starts || !ends) throw new Error(`Slice "${node.name}": starts/ends must be constant for its gradient`);
  const axes = (cv(3) ?? starts.map((_, i) => i)).map((a) => normAxis(a, r));
  const steps = cv(4) ?? starts.map(() => 1);
  if (steps.some((s) => s !== 1)) throw new Error(`Slice "${node.name}": gradient of strided slices is not supported`);
  const pads = new Array<number>(2 * r).fill(0);
  axes.forEach((ax, i) => {
    const dim = xs[ax]!;
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + dim : v, 0), dim);
    const s = clamp(starts[i]!);
    const e = Math.max(s, clamp(ends[i]!));
    pads[ax] = s;
    pads[ax + r] = dim - e;
  });
  const dx = ctx.g.op1('Pad', [dy, ctx.i64(pads)]);
  return [dx];
};
