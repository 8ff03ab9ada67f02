import type { GradRule } from './types';
import { op } from './util';

/**
 * Batch norm over batch statistics as one unit (the engine substitutes this pseudo-op, type
 * BatchNormTrain, for a BatchNormalization whose mean/var are ReduceMean statistics of its own
 * input; see fuse-bn.ts). With xc = x - mean, invstd = 1/sqrt(var + eps), n elements per channel,
 * sums over all axes but the channel:
 *   dbeta  = sum(dy)
 *   dgamma = invstd * sum(dy * xc)
 *   dx     = gamma * invstd * (dy - sum(dy)/n - xc * invstd^2 * sum(dy * xc)/n)
 *          = dy * k1 + xc * k2 + k3,  k1 = gamma*invstd, k2 = -k1*invstd^2*sum(dy*xc)/n, k3 = -k1*sum(dy)/n
 * (the statistics' own paths into x are included: this is the total derivative).
 * Attributes: epsilon, and the value names xc / var4 (string attributes) from the forward graph.
 */
export const batchNormTrainGrad: GradRule = (node, dy, ctx, need) => {
  const [x, scale] = node.inputs as [string, string, string];
  const xc = (node.attributes.xc as { kind: 'string'; value: string }).value;
  const var4 = (node.attributes.var4 as { kind: 'string'; value: string }).value;
  const eps = (node.attributes.epsilon as { kind: 'float'; value: number }).value;
  const xs = ctx.shape(x);
  const c = xs[1]!;
  const rank = xs.length;
  const n = xs.reduce((a, b) => a * b, 1) / c;
  const cs = [1, c, ...new Array<number>(rank - 2).fill(1)];
  const axes = ctx.i64([0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2)]);
  const g = ctx.g;
  const invstd = op(ctx, 'Reciprocal', [op(ctx, 'Sqrt', [op(ctx, 'Add', [var4, ctx.f32([eps])], cs)], cs)], cs);
  const sdy = op(ctx, 'ReduceSum', [dy, axes], cs, { keepdims: 1 });
  const sdyxc = op(ctx, 'ReduceSum', [op(ctx, 'Mul', [dy, xc], xs), axes], cs, { keepdims: 1 });
  const res: (string | undefined)[] = [];
  if (need[2]) res[2] = op(ctx, 'Reshape', [sdy, ctx.i64([c])], [c]);
  if (need[1]) res[1] = op(ctx, 'Reshape', [op(ctx, 'Mul', [sdyxc, invstd], cs), ctx.i64([c])], [c]);
  if (need[0]) {
    const k1 = op(ctx, 'Mul', [op(ctx, 'Reshape', [scale, ctx.i64(cs)], cs), invstd], cs);
    const inv2 = op(ctx, 'Mul', [invstd, invstd], cs);
    const k2 = op(ctx, 'Mul', [op(ctx, 'Mul', [k1, inv2], cs), op(ctx, 'Mul', [sdyxc, ctx.f32([-1 / n])], cs)], cs);
    const k3 = op(ctx, 'Mul', [k1, op(ctx, 'Mul', [sdy, ctx.f32([-1 / n])], cs)], cs);
    const t = g.op1('Add', [op(ctx, 'Mul', [dy, k1], xs), op(ctx, 'Mul', [xc, k2], xs)]);
    res[0] = op(ctx, 'Add', [t, k3], xs);
  }
  return res;
};
