import type { GradRule } from './types';
import { inShape, op, outShape } from './util';

/**
 * MatMul (numpy semantics): Y = A B.  dA = unbroadcast(dY B^T), dB = unbroadcast(A^T dY), where ^T
 * swaps the last two axes. 1-D operands are viewed as [1, k] / [k, 1] and reshaped back.
 */
export const matMulGrad: GradRule = (node, dy, ctx, need) => {
  const as = inShape(ctx, node, 0);
  const bs = inShape(ctx, node, 1);
  const ys = outShape(ctx, node);
  const g = ctx.g;
  const view = (v: string, s: number[], shape: number[]) => (s.length === shape.length ? v : op(ctx, 'Reshape', [v, ctx.i64(shape)], shape));
  const a2 = as.length === 1 ? [1, as[0]!] : as;
  const b2 = bs.length === 1 ? [bs[0]!, 1] : bs;
  const batch = ys.slice(0, Math.max(0, ys.length - (as.length === 1 ? 0 : 1) - (bs.length === 1 ? 0 : 1)));
  const y2 = [...batch, a2[a2.length - 2]!, b2[b2.length - 1]!];
  const A = view(node.inputs[0]!, as, a2);
  const B = view(node.inputs[1]!, bs, b2);
  const dY = view(dy, ys, y2);
  const swap = (r: number) => [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2];
  const res: (string | undefined)[] = [];
  if (need[0]) {
    const full = g.op1('MatMul', [dY, g.op1('Transpose', [B], { perm: swap(b2.length) })]);
    const fs = [...batch, a2[a2.length - 2]!, a2[a2.length - 1]!];
    ctx.setShape(full, fs);
    res[0] = view(ctx.unbroadcast(full, fs, a2), a2, as);
  }
  if (need[1]) {
    const full = g.op1('MatMul', [g.op1('Transpose', [A], { perm: swap(a2.length) }), dY]);
    const fs = [...batch, b2[b2.length - 2]!, b2[b2.length - 1]!];
    ctx.setShape(full, fs);
    res[1] = view(ctx.unbroadcast(full, fs, b2), b2, bs);
  }
  return res;
};
