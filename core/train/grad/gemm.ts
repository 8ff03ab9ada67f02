import { attrFloat, attrInt } from '../attrs';
import type { GradRule } from './types';
import { inShape, op, outShape } from './util';

/**
 * Gemm: Y = alpha * A' B' + beta * C with A' = transA ? A^T : A, B' = transB ? B^T : B.
 *   dA' = alpha dY B'^T,   dB' = alpha A'^T dY,   dC = beta * unbroadcast(dY)
 * and dA = transA ? dA'^T : dA' (likewise B), each written as one Gemm with the right trans flags.
 */
export const gemmGrad: GradRule = (node, dy, ctx, need) => {
  const tA = attrInt(node, 'transA', 0) === 1;
  const tB = attrInt(node, 'transB', 0) === 1;
  const alpha = attrFloat(node, 'alpha', 1);
  const beta = attrFloat(node, 'beta', 1);
  const [a, b] = node.inputs as [string, string];
  const res: (string | undefined)[] = [];
  const al = alpha === 1 ? {} : { alpha };
  if (need[0]) {
    // !tA: dA = dY B'^T ; tA: dA = B' dY^T
    res[0] = !tA
      ? op(ctx, 'Gemm', [dy, b], inShape(ctx, node, 0), { ...al, transB: tB ? 0 : 1 })
      : op(ctx, 'Gemm', [b, dy], inShape(ctx, node, 0), { ...al, transA: tB ? 1 : 0, transB: 1 });
  }
  if (need[1]) {
    // !tB: dB = A'^T dY ; tB: dB = dY^T A'
    res[1] = !tB
      ? op(ctx, 'Gemm', [a, dy], inShape(ctx, node, 1), { ...al, transA: tA ? 0 : 1 })
      : op(ctx, 'Gemm', [dy, a], inShape(ctx, node, 1), { ...al, transA: 1, transB: tA ? 1 : 0 });
  }
  if (need[2] && node.inputs[2]) {
    const cs = inShape(ctx, node, 2);
    const ys = outShape(ctx, node);
    const s = ctx.unbroadcast(dy, ys, cs);
    res[2] = beta === 1 ? s : op(ctx, 'Mul', [s, ctx.f32([beta])], cs);
  }
  return res;
};
