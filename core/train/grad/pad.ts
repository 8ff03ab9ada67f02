import { attrInts, attrString, normAxis } from '../attrs';
import type { GradRule } from './types';
import { inShape, outShape } from './util';

/**
 * Pad (constant mode): y = x placed at offset pads_begin inside a larger tensor, so
 * dx = Slice(dy, pads_begin, pads_begin + x.shape). Negative pads (crops) are undone by padding dy
 * with zeros. Only constant mode is differentiated (reflect/edge would scatter-add).
 */
export const padGrad: GradRule = (node, dy, ctx) => {
  const mode = attrString(node, 'mode', 'constant');
  if (mode !== 'constant') throw new Error(`Pad "${node.name}": gradient of mode ${mode} is not supported`);
  const xs = inShape(ctx, node, 0);
  const ys = outShape(ctx, node);
  const r = xs.length;
  const raw = node.inputs[1] ? ctx.constValue(node.inputs[1]) : attrInts(node, 'pads');
  if (!raw) throw new Error(`Pad "${node.name}": pads must be constant`);
  const axes = node.inputs[3] ? (ctx.constValue(node.inputs[3]) ?? []).map((a) => normAxis(a, r)) : xs.map((_, i) => i);
  const begin = new Array<number>(r).fill(0);
  const end = new Array<number>(r).fill(0);
  axes.forEach((ax, i) => {
    begin[ax] = raw[i]!;
    end[ax] = raw[i + axes.length]!;
  });
  let cur = dy;
  const cs = [...ys];
  if (begin.some((b) => b > 0) || end.some((e) => e > 0)) {
    const starts = begin.map((b) => Math.max(b, 0));
    const ends = cs.map((d, i) => d - Math.max(end[i]!, 0));
    cur = ctx.g.op1('Slice', [cur, ctx.i64(starts), ctx.i64(ends), ctx.i64(xs.map((_, i) => i))]);
  }
  if (begin.some((b) => b < 0) || end.some((e) => e < 0)) {
    const pads = [...begin.map((b) => Math.max(-b, 0)), ...end.map((e) => Math.max(-e, 0))];
    cur = ctx.g.op1('Pad', [cur, ctx.i64(pads)]);
  }
  return [cur];
};
