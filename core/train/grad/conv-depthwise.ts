import type { GradContext, WeightGradInputs } from './types';

/**
 * Depthwise weight gradient, dw[c, 0, k] = sum_{n,o} dy[n,c,o] x_pad[n,c,o*s + k*d], as ONE
 * depthwise Conv with the batch folded into the channels (both reshapes are free):
 *
 *   X[0, n*C + c] = x[n, c]   (one sample, N*C channels)      K[n*C + c, 0] = dy[n, c]
 *   out = Conv(X, K, group = N*C, strides = d, dilations = s, pads = p)
 *   out[0, n*C + c, k] = sum_o X_pad[0, n*C + c, k*d + o*s] K[n*C + c, 0, o] = the (n, c) term of dw
 *
 * then dw = ReduceSum over n. Its output is k + floor(rem/d) long and is sliced back to k, as in the
 * conv trick. The conv trick instead makes each group a convolution over N input channels, which
 * onnxruntime runs as C im2col + GEMM calls; this form runs on the depthwise kernels (NCHWc on
 * x86: 5.4x less CPU over MobileNetV2's depthwise layers, bench/train-depthwise.ts).
 */
export function depthwiseWeightGrad(ctx: GradContext, a: WeightGradInputs): string {
  const { x, dy, xs, ws, ys, strides, dilations, pads } = a;
  const g = ctx.g;
  const [n, c] = [xs[0]!, xs[1]!];
  const sp = xs.slice(2);
  const r = sp.length;
  const kernel = ws.slice(2);
  const axes = sp.map((_, i) => i + 2);
  const folded = g.op1('Reshape', [x, ctx.i64([1, n * c, ...sp])]);
  const kernels = g.op1('Reshape', [dy, ctx.i64([n * c, 1, ...ys.slice(2)])]);
  const o = g.op1('Conv', [folded, kernels], { kernel_shape: ys.slice(2), strides: dilations, dilations: strides, pads, group: n * c });
  const outSp = sp.map((h, i) => Math.floor((h + pads[i]! + pads[i + r]! - ((ys[i + 2]! - 1) * strides[i]! + 1)) / dilations[i]!) + 1);
  const sliced = outSp.some((d, i) => d !== kernel[i]) ? g.op1('Slice', [o, ctx.i64(axes.map(() => 0)), ctx.i64(kernel), ctx.i64(axes)]) : o;
  const perSample = g.op1('Reshape', [sliced, ctx.i64([n, c, ...kernel])]);
  const dw = g.op1('Reshape', [g.op1('ReduceSum', [perSample, ctx.i64([0])], { keepdims: 0 }), ctx.i64(ws)]);
  ctx.setShape(dw, ws);
  return dw;
}
