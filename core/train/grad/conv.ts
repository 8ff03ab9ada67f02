import { attrInt, spatialParams } from '../attrs';
import type { GradContext, GradRule } from './types';
import { inShape, outShape } from './util';

/**
 * Conv: y[n,m,o] = sum_{c in group(m), k} x_pad[n, c, o*s + k*d] * w[m, c, k] + b[m].
 *
 * - db[m]   = sum_{n,o} dy[n,m,o]
 * - dx      = ConvTranspose(dy, w) with the same strides/pads/dilations/group and
 *             output_padding = (H + p_begin + p_end - k_eff) mod s, which restores the input size
 *             (input rows no window reaches get zero). For stride 1, group 1 and channels that are
 *             multiples of 16 a plain Conv with spatially flipped, in/out-swapped weights and
 *             pads k_eff - 1 - p is used instead (measured ~2x faster in ORT there).
 * - dw[m,c,k] = sum_{n,o} dy[n,m,o] x_pad[n,c,o*s + k*d]: a Conv whose "batch" is the input
 *             channel and whose kernel is dy, with dilations = s and strides = d. Its output is
 *             k + floor(rem/d) long (rem = the remainder above) and is sliced back to k. Groups are
 *             handled by folding the group index into the channel axis of the transposed input.
 */
export const convGrad: GradRule = (node, [dy], ctx, need) => {
  if (!dy) return [];
  const xs = inShape(ctx, node, 0);
  const ws = inShape(ctx, node, 1);
  const ys = outShape(ctx, node);
  const sp = xs.slice(2);
  const r = sp.length;
  const p = spatialParams(node, sp, ws.slice(2));
  const group = attrInt(node, 'group', 1);
  const keff = p.kernel.map((k, i) => (k - 1) * p.dilations[i]! + 1);
  const rem = sp.map((h, i) => (h + p.pads[i]! + p.pads[i + r]! - keff[i]!) % p.strides[i]!);
  const res: (string | undefined)[] = [];
  const g = ctx.g;

  if (need[2] && node.inputs[2]) {
    res[2] = g.op1('ReduceSum', [dy, ctx.i64([0, ...sp.map((_, i) => i + 2)])], { keepdims: 0 });
  }

  if (need[0]) {
    const c = xs[1]!;
    const m = ws[0]!;
    const flipPads = p.pads.map((q, i) => keff[i % r]! - 1 - q);
    const useConv =
      (ctx.options.convHeuristics ?? true) &&
      group === 1 && p.strides.every((s) => s === 1) && flipPads.every((q) => q >= 0) && c % 16 === 0 && m % 16 === 0 &&
      // On 1x1 maps the flipped conv multiplies mostly padding; ConvTranspose was faster there.
      sp.some((h) => h > 1);
    if (useConv) {
      // w' [C, M, k] = flip_k(transpose(w)), then a stride-1 "full" correlation of dy with w'.
      const wt = g.op1('Transpose', [node.inputs[1]!], { perm: [1, 0, ...sp.map((_, i) => i + 2)] });
      const axes = sp.map((_, i) => i + 2);
      // (A 1x1 kernel needs no flip: a reversing Slice cost up to 1.6 ms on GoogLeNet's 1x1 weights.)
      const wf = p.kernel.every((k) => k === 1)
        ? wt
        : g.op1('Slice', [wt, ctx.i64(axes.map(() => -1)), ctx.i64(p.kernel.map((k) => -(k + 1))), ctx.i64(axes), ctx.i64(axes.map(() => -1))]);
      res[0] = g.op1('Conv', [dy, wf], { kernel_shape: p.kernel, pads: flipPads, dilations: p.dilations, strides: sp.map(() => 1) });
    } else {
      res[0] = g.op1('ConvTranspose', [dy, node.inputs[1]!], {
        kernel_shape: p.kernel, strides: p.strides, pads: p.pads, dilations: p.dilations, group,
        output_padding: rem.some((q) => q !== 0) ? rem : undefined,
      });
    }
    ctx.setShape(res[0], xs);
  }

  if (need[1]) {
    const mode = ctx.options.convWeightGrad ?? 'auto';
    const kk = p.kernel.reduce((a, b) => a * b, 1);
    const cols = xs[1]! * kk * xs[0]! * ys.slice(2).reduce((a, b) => a * b, 1);
    const pointwise = p.kernel.every((k) => k === 1) && p.pads.every((q) => q === 0);
    // Measured in CPU time (bench/train-conv-formulations.ts, 1 thread): im2col wins modestly for
    // stride-1 convs from ~32 input channels on (ResNet layer1: 7.0 vs 8.6 ms); with few channels
    // (LeNet: 1.6 vs 6.3 ms, RGB stems, narrow 5x5 branches) and for strided convs the conv trick wins.
    // 1x1 convs always use the pointwise GEMM (2.3 vs 9.1 ms).
    // 'undilated' (providers whose dilated convs are wrong, core/train/target.ts): strided convs
    // use im2col, since the conv trick dilates by the stride.
    const im2col = mode === 'im2col' || (mode === 'undilated' && p.strides.some((q) => q !== 1))
      || ((mode === 'auto' || mode === 'undilated') && xs[1]! >= 32 && p.strides.every((q) => q === 1) && cols <= IM2COL_MAX);
    if (group === 1 && r === 2 && mode !== 'conv' && (pointwise || im2col)) {
      res[1] = pointwise
        ? pointwiseWeightGrad(ctx, node.inputs[0]!, dy, xs, ws, ys, p.strides)
        : im2colWeightGrad(ctx, node.inputs[0]!, dy, xs, ws, ys, p.strides, p.dilations, p.pads);
    } else res[1] = convWeightGrad(ctx, node.inputs[0]!, dy, xs, ws, ys, p.strides, p.dilations, p.pads, group);
  }
  return res;
};

/** Largest im2col matrix (floats) built for a weight gradient; larger ones use the conv trick. */
const IM2COL_MAX = 32 * 1024 * 1024;

/**
 * 1x1 conv (no padding): dw[m,c] = sum_{n,o} dy[n,m,o] * x[n,c,o*s], one GEMM over the batch:
 * dw = Gemm(dy^T [M, N*O], x_s^T [C, N*O], transB), x_s = x sampled with step s.
 */
function pointwiseWeightGrad(ctx: GradContext, x: string, dy: string, xs: number[], ws: number[], ys: number[], strides: number[]): string {
  const g = ctx.g;
  let xi = x;
  if (strides.some((s) => s !== 1)) {
    xi = g.op1('Slice', [x, ctx.i64([0, 0]), ctx.i64([xs[2]!, xs[3]!]), ctx.i64([2, 3]), ctx.i64(strides)]);
  }
  const no = xs[0]! * ys[2]! * ys[3]!;
  const xt = g.op1('Reshape', [g.op1('Transpose', [xi], { perm: [1, 0, 2, 3] }), ctx.i64([xs[1]!, no])]);
  const dyt = g.op1('Reshape', [g.op1('Transpose', [dy], { perm: [1, 0, 2, 3] }), ctx.i64([ys[1]!, no])]);
  const dw = g.op1('Reshape', [g.op1('Gemm', [dyt, xt], { transB: 1 }), ctx.i64(ws)]);
  ctx.setShape(dw, ws);
  return dw;
}

/**
 * k x k conv (group 1): explicit im2col in [C*k*k, N*O] layout, then one GEMM:
 *   cols[(c, i, j), (n, o)] = x_pad[n, c, o_h*s + i*d, o_w*s + j*d]    (k*k strided Slices of the
 *                                                                      transposed, padded input)
 *   dw = Gemm(dy^T [M, N*O], cols, transB) reshaped to [M, C, kh, kw]
 * One large GEMM instead of the conv trick's C small ones (measured 2-3x faster on large maps).
 */
function im2colWeightGrad(
  ctx: GradContext, x: string, dy: string, xs: number[], ws: number[], ys: number[], strides: number[], dilations: number[], pads: number[],
): string {
  const g = ctx.g;
  const [n, c] = [xs[0]!, xs[1]!];
  const [ho, wo] = [ys[2]!, ys[3]!];
  const [kh, kw] = [ws[2]!, ws[3]!];
  let xt = g.op1('Transpose', [x], { perm: [1, 0, 2, 3] });
  if (pads.some((q) => q !== 0)) xt = g.op1('Pad', [xt, ctx.i64([0, 0, pads[0]!, pads[1]!, 0, 0, pads[2]!, pads[3]!])]);
  const parts: string[] = [];
  const axes = ctx.i64([2, 3]);
  const steps = ctx.i64(strides);
  const one = ctx.i64([1]);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const h0 = i * dilations[0]!;
      const w0 = j * dilations[1]!;
      const sl = g.op1('Slice', [xt, ctx.i64([h0, w0]), ctx.i64([h0 + (ho - 1) * strides[0]! + 1, w0 + (wo - 1) * strides[1]! + 1]), axes, steps]);
      parts.push(g.op1('Unsqueeze', [sl, one]));
    }
  }
  const cat = parts.length === 1 ? parts[0]! : g.op1('Concat', parts, { axis: 1 });
  const no = n * ho * wo;
  const cols = g.op1('Reshape', [cat, ctx.i64([c * kh * kw, no])]);
  const dyt = g.op1('Reshape', [g.op1('Transpose', [dy], { perm: [1, 0, 2, 3] }), ctx.i64([ys[1]!, no])]);
  const dw = g.op1('Reshape', [g.op1('Gemm', [dyt, cols], { transB: 1 }), ctx.i64(ws)]);
  ctx.setShape(dw, ws);
  return dw;
}

/** dw via the transposed-conv trick described above; exported for reuse by other conv-like rules. */
export function convWeightGrad(
  ctx: GradContext, x: string, dy: string, xs: number[], ws: number[], ys: number[],
  strides: number[], dilations: number[], pads: number[], group: number,
): string {
  const g = ctx.g;
  const [n, c] = [xs[0]!, xs[1]!];
  const m = ws[0]!;
  const sp = xs.slice(2);
  const r = sp.length;
  const spAxes = sp.map((_, i) => i + 3);
  // z[c', q*N + n, ...] = x[n, q*C/g + c', ...]
  let z: string;
  if (group === 1) z = g.op1('Transpose', [x], { perm: [1, 0, ...sp.map((_, i) => i + 2)] });
  else {
    const x5 = g.op1('Reshape', [x, ctx.i64([n, group, c / group, ...sp])]);
    const t = g.op1('Transpose', [x5], { perm: [2, 1, 0, ...spAxes] });
    z = g.op1('Reshape', [t, ctx.i64([c / group, group * n, ...sp])]);
  }
  const k = g.op1('Transpose', [dy], { perm: [1, 0, ...sp.map((_, i) => i + 2)] });
  const o = g.op1('Conv', [z, k], { kernel_shape: ys.slice(2), strides: dilations, dilations: strides, pads, group });
  const kernel = ws.slice(2);
  const outSp = sp.map((h, i) => Math.floor((h + pads[i]! + pads[i + r]! - ((ys[i + 2]! - 1) * strides[i]! + 1)) / dilations[i]!) + 1);
  let sliced = o;
  if (outSp.some((d, i) => d !== kernel[i])) {
    const axes = sp.map((_, i) => i + 2);
    sliced = g.op1('Slice', [o, ctx.i64(axes.map(() => 0)), ctx.i64(kernel), ctx.i64(axes)]);
  }
  const dw = g.op1('Transpose', [sliced], { perm: [1, 0, ...sp.map((_, i) => i + 2)] });
  ctx.setShape(dw, [m, c / group, ...kernel]);
  return dw;
}
