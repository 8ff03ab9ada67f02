import { attrFloat, attrInt } from '../attrs';
import type { GradContext, GradRule } from './types';
import { inShape, op } from './util';

/**
 * LRN across channels: y = x * s^-beta,  s = bias + (alpha/size) * W(x^2), where
 * W(v)[c] = sum of v over channels c - floor((size-1)/2) .. c + ceil((size-1)/2).
 *   dx = dy * s^-beta - (2 alpha beta / size) * x * W^T(dy * x * s^(-beta-1))
 * W^T sums over the mirrored window (c - ceil((size-1)/2) .. c + floor((size-1)/2)).
 * Window sums are a Conv with a ones kernel [size, 1] over x viewed as [N, 1, C, H*W].
 */
export const lrnGrad: GradRule = (node, dy, ctx) => {
  const x = node.inputs[0]!;
  const xs = inShape(ctx, node, 0);
  const size = attrInt(node, 'size', 1);
  const alpha = attrFloat(node, 'alpha', 1e-4);
  const beta = attrFloat(node, 'beta', 0.75);
  const bias = attrFloat(node, 'bias', 1);
  const lo = Math.floor((size - 1) / 2);
  const hi = Math.ceil((size - 1) / 2);
  const x2 = op(ctx, 'Mul', [x, x], xs);
  const s = op(ctx, 'Add', [op(ctx, 'Mul', [windowSum(ctx, x2, xs, size, lo, hi), ctx.f32([alpha / size])], xs), ctx.f32([bias])], xs);
  const sNegB = op(ctx, 'Pow', [s, ctx.f32([-beta])], xs);
  const sNegB1 = op(ctx, 'Div', [sNegB, s], xs);
  const t = op(ctx, 'Mul', [op(ctx, 'Mul', [dy, x], xs), sNegB1], xs);
  const back = windowSum(ctx, t, xs, size, hi, lo);
  const corr = op(ctx, 'Mul', [op(ctx, 'Mul', [x, back], xs), ctx.f32([(2 * alpha * beta) / size])], xs);
  const dx = op(ctx, 'Sub', [op(ctx, 'Mul', [dy, sNegB], xs), corr], xs);
  return [dx];
};

function windowSum(ctx: GradContext, v: string, xs: number[], size: number, before: number, after: number): string {
  const n = xs[0]!;
  const c = xs[1]!;
  const rest = xs.slice(2).reduce((a, b) => a * b, 1);
  const v4 = ctx.g.op1('Reshape', [v, ctx.i64([n, 1, c, rest])]);
  const k = ctx.f32(new Array<number>(size).fill(1), [1, 1, size, 1]);
  const summed = ctx.g.op1('Conv', [v4, k], { kernel_shape: [size, 1], pads: [before, 0, after, 0] });
  return op(ctx, 'Reshape', [summed, ctx.i64(xs)], xs);
}
