import { attrFloat, attrInt } from '../attrs';
import type { GradRule } from './types';
import { channelView, inShape, op, sumExceptChannel } from './util';

/**
 * BatchNormalization in inference form (the statistics are inputs):
 *   y = (x - mean) * inv * scale + B,   inv = 1 / sqrt(var + eps)
 * With every input possibly differentiable (training graphs feed batch statistics computed by
 * ReduceMean from x, and the engine adds their paths back into dx):
 *   dx     = dy * scale * inv
 *   dscale = sum_{n,hw} dy * (x - mean) * inv
 *   dB     = sum_{n,hw} dy
 *   dmean  = -sum_{n,hw} dy * scale * inv
 *   dvar   = sum_{n,hw} dy * (x - mean) * scale * (-1/2) * inv^3
 * training_mode = 1 is not differentiated here (DESIGN.md: lower it to explicit statistics).
 */
export const batchNormalizationGrad: GradRule = (node, dy, ctx, need) => {
  if (attrInt(node, 'training_mode', 0) === 1) {
    throw new Error(`BatchNormalization "${node.name}" with training_mode=1: lower it with prepareForTraining first`);
  }
  const xs = inShape(ctx, node, 0);
  const rank = xs.length;
  const c = xs[1]!;
  const eps = attrFloat(node, 'epsilon', 1e-5);
  const [x, scale, , mean, variance] = node.inputs as [string, string, string, string, string];
  const g = ctx.g;
  const inv = op(ctx, 'Reciprocal', [op(ctx, 'Sqrt', [op(ctx, 'Add', [variance, ctx.f32([eps])], [c])], [c])], [c]);
  const res: (string | undefined)[] = [];
  const needXhat = need[1] || need[4];
  const needSI = need[0] || need[3] || need[4];
  const si = needSI ? op(ctx, 'Mul', [scale, inv], [c]) : '';
  let dyXc: string | undefined;
  if (needXhat) {
    const xc = g.op1('Sub', [x, channelView(ctx, mean, c, rank)]);
    dyXc = sumExceptChannel(ctx, g.op1('Mul', [dy, xc]), rank);
  }
  if (need[0]) res[0] = op(ctx, 'Mul', [dy, channelView(ctx, si, c, rank)], xs);
  if (need[1]) res[1] = op(ctx, 'Mul', [dyXc!, inv], [c]);
  const sumDy = need[2] || need[3] ? sumExceptChannel(ctx, dy, rank) : '';
  if (need[2]) res[2] = sumDy;
  if (need[3]) res[3] = op(ctx, 'Neg', [op(ctx, 'Mul', [sumDy, si], [c])], [c]);
  if (need[4]) {
    const inv3 = op(ctx, 'Mul', [inv, op(ctx, 'Mul', [inv, inv], [c])], [c]);
    res[4] = op(ctx, 'Mul', [op(ctx, 'Mul', [dyXc!, scale], [c]), op(ctx, 'Mul', [inv3, ctx.f32([-0.5])], [c])], [c]);
  }
  return res;
};
