import { attrInt, spatialParams } from '../attrs';
import type { GradContext, GradRule, WeightGradInputs } from './types';
import { depthwiseWeightGrad } from './conv-depthwise';
import { inShape, outShape } from './util';

/**
 * Conv: y[n,m,o] = sum_{c in group(m), k} x_pad[n, c, o*s + k*d] * w[m, c, k] + b[m].
 *
 * - db[m]   = sum_{n,o} dy[n,m,o]
 * - dx      = ConvTranspose(dy, w) with the same strides/pads/dilations/group and
 *             output_padding = (H + p_begin + p_end - k_eff) mod s, which restores the input size
 *             (input rows no window reaches get zero). For stride 1, group 1 and channels that are
 *             multiples of 16 a plain Conv with spatially flipped, in/out-swapped weights and
 *             pads k_eff - 1 - p is used instead (measured ~2x faster in ORT there), and for
 *             stride-1 depthwise convs the same flipped Conv, depthwise again.
 * - dw[m,c,k] = sum_{n,o} dy[n,m,o] x_pad[n,c,o*s + k*d]: a Conv whose "batch" is the input
 *             channel and whose kernel is dy, with dilations = s and strides = d. Its output is
 *             k + floor(rem/d) long (rem = the remainder above) and is sliced back to k. Groups are
 *             handled by folding the group index into the channel axis of the transposed input.
 *             Depthwise convs fold the batch into the channels instead (conv-depthwise.ts).
 */
export const convGrad: GradRule = (node, dy, ctx, need) => {
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

  // Depthwise (one input and one output channel per group: MobileNet, EfficientNet) has its own
  // forms below; onnxruntime's grouped Conv/ConvTranspose run them group by group.
  const depthwise = group > 1 && group === xs[1] && ws[0] === group && ws[1] === 1;
  const heuristics = ctx.options.convHeuristics ?? true;

  if (need[0]) {
    const c = xs[1]!;
    const m = ws[0]!;
    const flipPads = p.pads.map((q, i) => keff[i % r]! - 1 - q);
    const useConv =
      heuristics &&
      group === 1 &&
      p.strides.every((s) => s === 1) &&
      flipPads.every((q) => q >= 0) &&
      c % 16 === 0 &&
      m % 16 === 0 &&
      // On 1x1 maps the flipped conv multiplies mostly padding; ConvTranspose was faster there.
      sp.some((h) => h > 1);
    const sub = ctx.options.convStridedInputGrad ?? 'auto';
    const subpixelOk = group === 1 && r === 2 && p.dilations.every((d) => d === 1) && p.strides[0]! > 1 && p.strides[0] === p.strides[1];
    // 'auto' keeps ConvTranspose: the sub-pixel route won only on NCHWc kernels at output maps of
    // <= 4 positions (ResNet-18 layer3.0.conv1 at 32x32: 9.0 vs 9.6 ms), lost 1.1-4x on every other
    // shape and without NCHWc, and left whole ResNet-18 steps unchanged within noise
    // (bench/train-results.md). It stays selectable for measurements and providers where
    // ConvTranspose is weak.
    const useSubpixel = subpixelOk && sub === 'subpixel';
    if (depthwise && heuristics && p.strides.every((q) => q === 1) && flipPads.every((q) => q >= 0)) {
      // Stride-1 depthwise: dx[n,c] = correlation of dy[n,c] with w[c] flipped, pads k_eff-1-p; a
      // depthwise Conv again (in/out-swapping a one-channel group changes nothing). 3.5x less CPU
      // than the grouped ConvTranspose on NCHWc kernels, 1.3x without (bench/train-depthwise.ts).
      res[0] = g.op1('Conv', [dy, flipKernel(ctx, node.inputs[1]!, p.kernel)], { kernel_shape: p.kernel, pads: flipPads, dilations: p.dilations, group });
    } else if (useSubpixel) {
      res[0] = subpixelInputGrad(ctx, dy, node.inputs[1]!, xs, ws, ys, p.strides[0]!, p.pads);
    } else if (useConv) {
      // w' [C, M, k] = flip_k(transpose(w)), then a stride-1 "full" correlation of dy with w'.
      const wt = g.op1('Transpose', [node.inputs[1]!], { perm: [1, 0, ...sp.map((_, i) => i + 2)] });
      res[0] = g.op1('Conv', [dy, flipKernel(ctx, wt, p.kernel)], { kernel_shape: p.kernel, pads: flipPads, dilations: p.dilations, strides: sp.map(() => 1) });
    } else {
      res[0] = g.op1('ConvTranspose', [dy, node.inputs[1]!], {
        kernel_shape: p.kernel,
        strides: p.strides,
        pads: p.pads,
        dilations: p.dilations,
        group,
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
    const im2col =
      mode === 'im2col' ||
      (mode === 'undilated' && p.strides.some((q) => q !== 1)) ||
      ((mode === 'auto' || mode === 'undilated') && xs[1]! >= 32 && p.strides.every((q) => q === 1) && cols <= IM2COL_MAX);
    const inputs: WeightGradInputs = { x: node.inputs[0]!, dy, xs, ws, ys, strides: p.strides, dilations: p.dilations, pads: p.pads };
    if (depthwise && mode !== 'conv') res[1] = depthwiseWeightGrad(ctx, inputs);
    else if (group === 1 && r === 2 && mode !== 'conv' && (pointwise || im2col)) {
      res[1] = pointwise ? pointwiseWeightGrad(ctx, inputs) : im2colWeightGrad(ctx, inputs);
    } else res[1] = convWeightGrad(ctx, inputs, group);
  }
  return res;
};

/**
 * Input gradient of a 2-D, group-1, undilated conv with stride s (both axes) as ONE stride-1 Conv
 * plus DepthToSpace (the sub-pixel decomposition of the transposed convolution). Per spatial axis,
 * with kernel k, pads pb (begin) / pe (end), input length H and output length Ho:
 *
 *   dx_pad[i] = sum_{o, t : o*s + t = i} sum_m dy[m, o] w[m, c, t],   i in [0, H + pb + pe),
 *   dx[h] = dx_pad[h + pb].
 *
 * Write i = q*s + r (phase r in [0, s)). A tap t reaches i from o iff t = i - o*s = (q - o)*s + r,
 * i.e. t = j*s + r with j = q - o >= 0 and t < k. With K = ceil(k / s) and taps t >= k taken as
 * zero (w padded to K*s), every phase has exactly K taps j = 0..K-1, and
 *
 *   dx_pad[q*s + r] = sum_{j=0}^{K-1} dy[q - j] w[., ., j*s + r]
 *                   = sum_{u=0}^{K-1} dy[q - (K-1) + u] v_r[u],   v_r[u] = w[., ., (K-1-u)*s + r]
 *
 * (u = K-1-j: the sub-kernel flipped), a stride-1 correlation of dy (zero outside [0, Ho)) with
 * v_r. A Conv with begin pad B gives out[q'] = sum_u dy[q' - B + u] v[u], so B = K-1-q0 makes
 * out[q'] = dx_pad at q = q' + q0. Only q in [q0, q1] are needed: q0 = floor(pb/s),
 * q1 = floor((pb + H - 1)/s). If K-1-q0 < 0 the Conv uses B = 0 and its first q0-(K-1) rows are
 * dropped (lead = q0 - (K-1)); the end pad E makes the output at least lead + q1 - q0 + 1 long
 * (E = 0 and extra rows dropped where dy already reaches further, e.g. large end pads).
 *
 * Both axes together: the s*s phases (rh, rw) are the Conv's output channels in DepthToSpace DCR
 * order, channel (rh*s + rw)*C + c, so DepthToSpace(blocksize s, DCR) puts phase (rh, rw) of row
 * q', column p' at (q'*s + rh, p'*s + rw) = i - q0*s - lead*s. The rows kept are
 * [lead*s + pb - q0*s, ... + H), i.e. start lead*s + (pb mod s). Every dx element is the same sum
 * of the same products as ConvTranspose's (the zero taps add exact zeros): float reassociation only.
 *
 * The sub-kernel weight V[(rh, rw, c), m, uh, uw] = w[m, c, (Kh-1-uh)*s + rh, (Kw-1-uw)*s + rw]
 * (0 where a tap index is >= k).
 */
function subpixelInputGrad(ctx: GradContext, dy: string, w: string, xs: number[], ws: number[], ys: number[], s: number, pads: number[]): string {
  const g = ctx.g;
  const [c, m] = [xs[1]!, ws[0]!];
  const kk = [ws[2]!, ws[3]!];
  const K = kk.map((k) => Math.ceil(k / s));
  // V = w reshaped to [M*C, kh*kw] times a constant 0/1 selection S [kh*kw, s*s*Kh*Kw] (one GEMM;
  // ORT's Pad / reversing Slice on a weight with a few floats per row cost ~1 ms each), then the
  // phase axes moved to the front: [M, C, (rh, rw), (uh, uw)] -> [(rh, rw), C, M, (uh, uw)].
  const taps = kk[0]! * kk[1]!;
  const cols = s * s * K[0]! * K[1]!;
  const sel = new Array<number>(taps * cols).fill(0);
  for (let rh = 0; rh < s; rh++)
    for (let rw = 0; rw < s; rw++) {
      for (let uh = 0; uh < K[0]!; uh++)
        for (let uw = 0; uw < K[1]!; uw++) {
          const th = (K[0]! - 1 - uh) * s + rh;
          const tw = (K[1]! - 1 - uw) * s + rw;
          if (th < kk[0]! && tw < kk[1]!) sel[(th * kk[1]! + tw) * cols + ((rh * s + rw) * K[0]! + uh) * K[1]! + uw] = 1;
        }
    }
  const wsel = g.op1('MatMul', [g.op1('Reshape', [w, ctx.i64([m * c, taps])]), ctx.f32(sel, [taps, cols])]);
  const w4 = g.op1('Reshape', [wsel, ctx.i64([m, c, s * s, K[0]! * K[1]!])]);
  const v = g.op1('Reshape', [g.op1('Transpose', [w4], { perm: [2, 1, 0, 3] }), ctx.i64([s * s * c, m, K[0]!, K[1]!])]);
  const convPads = [0, 0, 0, 0];
  const starts = [0, 0];
  for (let a = 0; a < 2; a++) {
    const [h, pb, ho, ka] = [xs[a + 2]!, pads[a]!, ys[a + 2]!, K[a]!];
    const q0 = Math.floor(pb / s);
    const q1 = Math.floor((pb + h - 1) / s);
    const b = Math.max(0, ka - 1 - q0);
    const lead = q0 - (ka - 1 - b);
    // Conv output length ho + b + e - ka + 1 must reach lead + (q1 - q0 + 1).
    const e = Math.max(0, lead + q1 - q0 + 1 - (ho + b - ka + 1));
    convPads[a] = b;
    convPads[a + 2] = e;
    starts[a] = lead * s + (pb % s);
  }
  const conv = g.op1('Conv', [dy, v], { kernel_shape: K, pads: convPads, strides: [1, 1] });
  // DepthToSpace(blocksize s, DCR) spelled as Reshape/Transpose/Reshape (the same data movement;
  // the graph passes' shape inference has no DepthToSpace rule):
  // [N, (rh, rw, c), q', p'] -> [N, c, q', rh, p', rw] -> [N, c, q'*s + rh, p'*s + rw].
  const n = xs[0]!;
  const hq = ys[2]! + convPads[0]! + convPads[2]! - K[0]! + 1;
  const wq = ys[3]! + convPads[1]! + convPads[3]! - K[1]! + 1;
  const c6 = g.op1('Reshape', [conv, ctx.i64([n, s, s, c, hq, wq])]);
  const d2s = g.op1('Reshape', [g.op1('Transpose', [c6], { perm: [0, 3, 4, 1, 5, 2] }), ctx.i64([n, c, hq * s, wq * s])]);
  return g.op1('Slice', [d2s, ctx.i64(starts), ctx.i64([starts[0]! + xs[2]!, starts[1]! + xs[3]!]), ctx.i64([2, 3])]);
}

/** The kernel reversed along every spatial axis (a 1x1 kernel is returned as is: a reversing Slice cost up to 1.6 ms on GoogLeNet's 1x1 weights). */
function flipKernel(ctx: GradContext, w: string, kernel: number[]): string {
  if (kernel.every((k) => k === 1)) return w;
  const axes = kernel.map((_, i) => i + 2);
  return ctx.g.op1('Slice', [w, ctx.i64(axes.map(() => -1)), ctx.i64(kernel.map((k) => -(k + 1))), ctx.i64(axes), ctx.i64(axes.map(() => -1))]);
}

/** Largest im2col matrix (floats) built for a weight gradient; larger ones use the conv trick. */
const IM2COL_MAX = 32 * 1024 * 1024;

/**
 * 1x1 conv (no padding): dw[m,c] = sum_{n,o} dy[n,m,o] * x[n,c,o*s], one GEMM over the batch:
 * dw = Gemm(dy^T [M, N*O], x_s^T [C, N*O], transB), x_s = x sampled with step s.
 */
function pointwiseWeightGrad(ctx: GradContext, a: WeightGradInputs): string {
  const { x, dy, xs, ws, ys, strides } = a;
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
function im2colWeightGrad(ctx: GradContext, a: WeightGradInputs): string {
  const { x, dy, xs, ws, ys, strides, dilations, pads } = a;
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
export function convWeightGrad(ctx: GradContext, a: WeightGradInputs, group: number): string {
  const { x, dy, xs, ws, ys, strides, dilations, pads } = a;
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
