/**
 * MaxPool backward without the Indices output, exact to ORT's and PyTorch's routing: each window's
 * gradient goes to the FIRST maximum of the window (row-major order within the window). Only
 * float32 tensors and ops every provider we target runs (Reshape, Slice, Pad, Concat, Equal, Cast,
 * Where, ReduceMax, Transpose, ConvTranspose): no int64 data, no ScatterElements, no MaxUnpool.
 *
 * Ties (all-zero windows after a ReLU, equal pixels of quantised images) rule out a plain
 * Equal(x, upsampled y) mask. Instead every window position k (row-major, K positions) gets the
 * code K - k where x equals the window's maximum and 0 elsewhere; the first maximum is the one
 * whose code equals the window's largest code:
 *   eq[w, k]   = (x[w, k] == y[w])                   (x[w, k]: element k of window w)
 *   code[w, k] = eq[w, k] * (K - k)
 *   sel[w, k]  = (code[w, k] == max_k code[w, k])     (one-hot: codes of equal elements differ)
 *   dx[i]      = sum over (w, k) reading x[i] of sel[w, k] * dy[w]
 * (A window whose maximum is NaN has no equal element; PyTorch's routing of NaN is not reproduced.)
 *
 * - non-overlapping 2-D windows of at most 4 positions, and other undilated 2-D windows of at most
 *   9 positions where measured faster on this CPU: strided Slices and a cascade (sliceRoute), so that
 *   the forward MaxPool drops its Indices.
 * - other non-overlapping windows (kernel == stride, no padding, no dilation, no ceil overhang): windows
 *   are a reshape, [N, C, Ho, kh, Wo, kw], and dx is the reshape back (rows and columns after the
 *   last window get zeros); in 2-D a transpose first moves the window positions in front of C
 *   (blockRoute: broadcasting over [.., 1, 2] inner axes was 5x slower on the CPU).
 * - otherwise (overlapping, padding, ceil mode, dilation): the K strided views of the input padded
 *   with -inf are the window columns [N*C, K, Ho, Wo] (the padding never equals a maximum of real
 *   elements); dx is their transpose, a ConvTranspose of sel * dy with K one-hot kernels
 *   (col2im: position k of window (i, j) lands on (i*s - p + k_h*d, j*s - p + k_w*d)).
 */
import type { SpatialParams } from '../attrs';
import type { GradContext } from './types';

export function maxPoolFirstMaxGrad(ctx: GradContext, x: string, y: string, dy: string, xs: number[], ys: number[], p: SpatialParams): string {
  const dx =
    (ctx.options.maxPoolSlices ?? true) && sliceRouteFits(xs, ys, p, ctx.options.maxPoolRoutes)
      ? sliceRoute(ctx, x, y, dy, xs, ys, p)
      : !nonOverlapping(xs, ys, p)
        ? columnRoute(ctx, x, y, dy, xs, ys, p)
        : p.kernel.length === 2
          ? blockRoute(ctx, x, y, dy, xs, ys, p.kernel)
          : reshapeRoute(ctx, x, y, dy, xs, ys, p.kernel);
  ctx.setShape(dx, xs);
  return dx;
}

function nonOverlapping(xs: number[], ys: number[], p: SpatialParams): boolean {
  return p.pads.every((q) => q === 0) && p.dilations.every((d) => d === 1) && p.kernel.every((k, i) => k === p.strides[i] && ys[i + 2]! * k <= xs[i + 2]!);
}

/**
 * Whether a pool takes the slice route (GradOptions.maxPoolSlices). Built in: non-overlapping 2-D
 * windows of at most 4 positions (2x2, 1x2, 2x1), where it was measured to beat the Indices route on
 * the CPU (LeNet-5's [32, 6, 28, 28] pool, 1 thread: 0.48 vs 0.63 ms forward + backward). Other
 * undilated 2-D pools of at most 9 positions (3x3/2 and 3x3/1 in AlexNet, GoogLeNet and ResNet)
 * take it where `measured` says so: a CPU training run times both routes once per pool shape on
 * its own CPU (main/trainer/pool-routes.ts). On a 2-core AMD EPYC (Zen 3) at 1 thread the slice
 * route halved GoogLeNet's largest pools (61 -> 29 ms), but at 2 threads the Indices route won
 * every one of them (14 vs 34 ms), and the whole step was 1.5x faster with it.
 */
export function sliceRouteFits(xs: number[], ys: number[], p: SpatialParams, measured?: PoolRoutes): boolean {
  if (!sliceRoutePossible(xs, p)) return false;
  return builtInSliceRoute(xs, ys, p) || measured?.[poolSignature(xs, p)] === 'slices';
}

/** Non-overlapping 2-D windows of at most 4 positions: the slice route without measuring. */
function builtInSliceRoute(xs: number[], ys: number[], p: SpatialParams): boolean {
  return nonOverlapping(xs, ys, p) && p.kernel[0]! * p.kernel[1]! <= 4;
}

/** Route per pool signature, as measured on this machine (GradOptions.maxPoolRoutes). */
export type PoolRoutes = Readonly<Record<string, 'slices' | 'indices'>>;

/** Pools the slice route can differentiate: 2-D, undilated, at most 9 window positions. */
export function sliceRoutePossible(xs: number[], p: SpatialParams): boolean {
  return xs.length === 4 && p.dilations.every((d) => d === 1) && p.kernel[0]! * p.kernel[1]! <= 9;
}

/** Whether the route of a pool is a choice to measure: every slice-route pool but the built-in one. */
export function poolRouteIsChoice(xs: number[], ys: number[], p: SpatialParams): boolean {
  return sliceRoutePossible(xs, p) && !builtInSliceRoute(xs, ys, p);
}

/** What a pool's cost depends on: input shape, kernel, strides, pads and ceil mode. */
export function poolSignature(xs: number[], p: SpatialParams): string {
  return `${xs.join('x')} k${p.kernel.join('x')} s${p.strides.join('x')} p${p.pads.join(',')}${p.ceil ? ' ceil' : ''}`;
}

/** Window position codes K - k in row-major order over the kernel. */
function codes(kernel: number[]): number[] {
  const count = kernel.reduce((a, b) => a * b, 1);
  return Array.from({ length: count }, (_, k) => count - k);
}

/** sel * dy: one-hot first-maximum mask of `windows` (windows x positions) times the window's gradient. */
function routed(ctx: GradContext, windows: string, yView: string, dyView: string, codeConst: string, axes: number[]): string {
  const g = ctx.g;
  const zero = ctx.f32([0]);
  const code = g.op1('Where', [g.op1('Equal', [windows, yView]), codeConst, zero]);
  const first = g.op1('ReduceMax', [code], { axes, keepdims: 1 });
  return g.op1('Where', [g.op1('Equal', [code, first]), dyView, zero]);
}

/**
 * Non-overlapping 2-D windows: a transpose makes the window positions a leading axis,
 * [N, C, Ho, kh, Wo, kw] -> [N, kh*kw, C, Ho, Wo] (what SpaceToDepth does; WebGPU has no kernel for
 * it), so the broadcasts run over contiguous C*Ho*Wo spans; the inverse transpose puts dx back.
 */
function blockRoute(ctx: GradContext, x: string, y: string, dy: string, xs: number[], ys: number[], kernel: number[]): string {
  const g = ctx.g;
  const [n, c] = xs as [number, number];
  const [ho, wo] = [ys[2]!, ys[3]!];
  const [kh, kw] = kernel as [number, number];
  const covered = [ho * kh, wo * kw];
  const cropped = covered[0] !== xs[2] || covered[1] !== xs[3] ? g.op1('Slice', [x, ctx.i64([0, 0]), ctx.i64(covered), ctx.i64([2, 3])]) : x;
  const count = kh * kw;
  const split = g.op1('Reshape', [cropped, ctx.i64([n, c, ho, kh, wo, kw])]);
  const windows = g.op1('Reshape', [g.op1('Transpose', [split], { perm: [0, 3, 5, 1, 2, 4] }), ctx.i64([n, count, c, ho, wo])]);
  const yView = g.op1('Reshape', [y, ctx.i64([n, 1, c, ho, wo])]);
  const dyView = g.op1('Reshape', [dy, ctx.i64([n, 1, c, ho, wo])]);
  const picked = routed(ctx, windows, yView, dyView, ctx.f32(codes(kernel), [1, count, 1, 1, 1]), [1]);
  const blocks = g.op1('Reshape', [picked, ctx.i64([n, kh, kw, c, ho, wo])]);
  const back = g.op1('Reshape', [g.op1('Transpose', [blocks], { perm: [0, 3, 4, 1, 5, 2] }), ctx.i64([n, c, ...covered])]);
  if (covered[0] === xs[2] && covered[1] === xs[3]) return back;
  return g.op1('Pad', [back, ctx.i64([0, 0, 0, 0, 0, 0, xs[2]! - covered[0]!, xs[3]! - covered[1]!])]);
}

/**
 * 2-D windows (dilation 1) by strided Slices. Window position (a, b) of every window is the strided
 * view xp[:, :, a + s_h*i, b + s_w*j] of x padded with -inf (begin pads, and at the end as far as the
 * last window reaches, ceil mode included; padding never equals a window's maximum), an [N, C, Ho, Wo]
 * tensor. The first maximum is a cascade over positions in row-major order, on pooled-size tensors:
 *   rest_0 = dy;  d_k = Where(x_k == y, rest_k, 0);  rest_{k+1} = Where(x_k == y, 0, rest_k)
 * The last position takes what is left (a window whose maximum is NaN routes there).
 *
 * d_k goes back to padded position (o_h*s_h + a, o_w*s_w + b). Per axis, that is phase a mod s of
 * grid row o + floor(a/s): every phase (r_h, r_w) is a [N, C, Qh, Qw] grid (Q = Ho + floor((k-1)/s))
 * that sums the positions of that phase, each zero-padded by its grid offset (overlapping windows
 * add up there). The phases are interleaved by two Concats of unit axes: phases of a row along a new
 * last axis, [N, C, Qh, Qw, s_w] = [N, C, Qh, 1, Qw*s_w], then the rows, [N, C, Qh, s_h, Qw*s_w] =
 * [N, C, Qh*s_h, Qw*s_w]; no Transpose (ORT's 6-D transposes cost more than the rest of the route).
 * The input's span [pad_begin, pad_begin + H) of that padded grid is dx (zero-padded where the
 * windows stop short of the input's end).
 */
function sliceRoute(ctx: GradContext, x: string, y: string, dy: string, xs: number[], ys: number[], p: SpatialParams): string {
  const g = ctx.g;
  const [n, c, h, w] = xs as [number, number, number, number];
  const out = [ys[2]!, ys[3]!];
  const [kh, kw] = p.kernel as [number, number];
  const [sh, sw] = p.strides as [number, number];
  const begin = [p.pads[0]!, p.pads[1]!];
  // Padded extent every window reads: (O - 1) * s + k per axis.
  const reach = [(out[0]! - 1) * sh + kh, (out[1]! - 1) * sw + kw];
  const endPad = [Math.max(0, reach[0]! - h - begin[0]!), Math.max(0, reach[1]! - w - begin[1]!)];
  const padded =
    begin.some((q) => q > 0) || endPad.some((q) => q > 0)
      ? g.op1('Pad', [x, ctx.i64([0, 0, begin[0]!, begin[1]!, 0, 0, endPad[0]!, endPad[1]!]), ctx.f32([-Infinity])])
      : x;
  const zero = ctx.f32([0]);
  const axes = ctx.i64([2, 3]);
  const steps = ctx.i64([sh, sw]);
  const routedParts: string[] = [];
  let rest = dy;
  for (let k = 0; k < kh * kw; k++) {
    if (k === kh * kw - 1) {
      routedParts.push(rest);
      break;
    }
    const [a, b] = [Math.floor(k / kw), k % kw];
    const position = g.op1('Slice', [padded, ctx.i64([a, b]), ctx.i64([a + (out[0]! - 1) * sh + 1, b + (out[1]! - 1) * sw + 1]), axes, steps]);
    const eq = g.op1('Equal', [position, y]);
    routedParts.push(g.op1('Where', [eq, rest, zero]));
    rest = g.op1('Where', [eq, zero, rest]);
  }
  const grid = [out[0]! + Math.floor((kh - 1) / sh), out[1]! + Math.floor((kw - 1) / sw)] as [number, number];
  const phase = (rh: number, rw: number): string => {
    const terms: string[] = [];
    for (let k = 0; k < kh * kw; k++) {
      const [a, b] = [Math.floor(k / kw), k % kw];
      if (a % sh !== rh || b % sw !== rw) continue;
      const [qa, qb] = [Math.floor(a / sh), Math.floor(b / sw)];
      const part = routedParts[k]!;
      const tail = [grid[0] - out[0]! - qa, grid[1] - out[1]! - qb];
      terms.push(qa === 0 && qb === 0 && tail[0] === 0 && tail[1] === 0 ? part : g.op1('Pad', [part, ctx.i64([0, 0, qa, qb, 0, 0, tail[0]!, tail[1]!])]));
    }
    if (terms.length === 0) return ctx.zeros([n, c, ...grid]);
    return ctx.options.accumulate === 'add' ? terms.reduce((acc, t) => g.op1('Add', [acc, t])) : terms.length === 1 ? terms[0]! : g.op1('Sum', terms);
  };
  const rowShape = ctx.i64([n, c, grid[0], 1, grid[1] * sw]);
  const rows: string[] = [];
  for (let rh = 0; rh < sh; rh++) {
    const row = Array.from({ length: sw }, (_, rw) => phase(rh, rw));
    const joined =
      sw === 1
        ? row[0]!
        : g.op1(
            'Concat',
            row.map((part) => g.op1('Reshape', [part, ctx.i64([n, c, grid[0], grid[1], 1])])),
            { axis: 4 },
          );
    rows.push(sh === 1 && sw === 1 ? joined : g.op1('Reshape', [joined, sh === 1 ? ctx.i64([n, c, grid[0], grid[1] * sw]) : rowShape]));
  }
  const span = [grid[0] * sh, grid[1] * sw];
  const full = sh === 1 ? rows[0]! : g.op1('Reshape', [g.op1('Concat', rows, { axis: 3 }), ctx.i64([n, c, ...span])]);
  const short = [Math.max(0, begin[0]! + h - span[0]!), Math.max(0, begin[1]! + w - span[1]!)];
  const extended = short.some((q) => q > 0) ? g.op1('Pad', [full, ctx.i64([0, 0, 0, 0, 0, 0, short[0]!, short[1]!])]) : full;
  if (begin.every((q) => q === 0) && span[0]! + short[0]! === h && span[1]! + short[1]! === w) return extended;
  return g.op1('Slice', [extended, ctx.i64(begin), ctx.i64([begin[0]! + h, begin[1]! + w]), axes]);
}

function reshapeRoute(ctx: GradContext, x: string, y: string, dy: string, xs: number[], ys: number[], kernel: number[]): string {
  const g = ctx.g;
  const covered = kernel.map((k, i) => ys[i + 2]! * k);
  const spatialAxes = kernel.map((_, i) => i + 2);
  const cropped = covered.some((c, i) => c !== xs[i + 2]) ? g.op1('Slice', [x, ctx.i64(kernel.map(() => 0)), ctx.i64(covered), ctx.i64(spatialAxes)]) : x;
  // [N, C, O_0, k_0, O_1, k_1, ...]: window axes interleaved with position axes.
  const split = [xs[0]!, xs[1]!, ...kernel.flatMap((k, i) => [ys[i + 2]!, k])];
  const perWindow = [xs[0]!, xs[1]!, ...kernel.flatMap((_, i) => [ys[i + 2]!, 1])];
  const codeShape = [1, 1, ...kernel.flatMap((k) => [1, k])];
  const positionAxes = kernel.map((_, i) => 3 + 2 * i);
  const windows = g.op1('Reshape', [cropped, ctx.i64(split)]);
  const yView = g.op1('Reshape', [y, ctx.i64(perWindow)]);
  const dyView = g.op1('Reshape', [dy, ctx.i64(perWindow)]);
  const picked = routed(ctx, windows, yView, dyView, ctx.f32(codes(kernel), codeShape), positionAxes);
  const back = g.op1('Reshape', [picked, ctx.i64([xs[0]!, xs[1]!, ...covered])]);
  if (covered.every((c, i) => c === xs[i + 2])) return back;
  const tail = covered.map((c, i) => xs[i + 2]! - c);
  return g.op1('Pad', [back, ctx.i64([0, 0, ...kernel.map(() => 0), 0, 0, ...tail])]);
}

function columnRoute(ctx: GradContext, x: string, y: string, dy: string, xs: number[], ys: number[], p: SpatialParams): string {
  const g = ctx.g;
  const sp = xs.slice(2);
  const r = sp.length;
  const out = ys.slice(2);
  const nc = xs[0]! * xs[1]!;
  const span = p.kernel.map((k, i) => (k - 1) * p.dilations[i]! + 1);
  // Ceil mode: the last window may hang past the end padding; pad that far too (with -inf).
  const extra = sp.map((h, i) => Math.max(0, (out[i]! - 1) * p.strides[i]! + span[i]! - (h + p.pads[i]! + p.pads[i + r]!)));
  const padEnd = sp.map((_, i) => p.pads[i + r]! + extra[i]!);
  const planes = g.op1('Reshape', [x, ctx.i64([nc, 1, ...sp])]);
  const padded =
    p.pads.some((q) => q !== 0) || extra.some((e) => e !== 0)
      ? g.op1('Pad', [planes, ctx.i64([0, 0, ...p.pads.slice(0, r), 0, 0, ...padEnd]), ctx.f32([-Infinity])])
      : planes;
  const axes = ctx.i64(sp.map((_, i) => i + 2));
  const steps = ctx.i64(p.strides);
  const count = p.kernel.reduce((a, b) => a * b, 1);
  const columns: string[] = [];
  for (let k = 0; k < count; k++) {
    // Row-major position k -> per-dim kernel offsets.
    const offs: number[] = [];
    for (let i = r - 1, rest = k; i >= 0; i--) {
      offs[i] = rest % p.kernel[i]!;
      rest = Math.floor(rest / p.kernel[i]!);
    }
    const starts = offs.map((o, i) => o * p.dilations[i]!);
    const ends = starts.map((s0, i) => s0 + (out[i]! - 1) * p.strides[i]! + 1);
    columns.push(g.op1('Slice', [padded, ctx.i64(starts), ctx.i64(ends), axes, steps]));
  }
  const windows = count === 1 ? columns[0]! : g.op1('Concat', columns, { axis: 1 });
  const yView = g.op1('Reshape', [y, ctx.i64([nc, 1, ...out])]);
  const dyView = g.op1('Reshape', [dy, ctx.i64([nc, 1, ...out])]);
  const picked = routed(ctx, windows, yView, dyView, ctx.f32(codes(p.kernel), [1, count, ...out.map(() => 1)]), [1]);
  // col2im: ConvTranspose with one-hot kernels; output (O-1)*s + span - p_b - p_e' must be H:
  // p_e' crops what lies past the input, output_padding (< s) adds rows no window reaches.
  const oneHot = new Array<number>(count * count).fill(0);
  for (let k = 0; k < count; k++) oneHot[k * count + k] = 1;
  const full = sp.map((_, i) => (out[i]! - 1) * p.strides[i]! + span[i]! - p.pads[i]!);
  const cropEnd = sp.map((h, i) => Math.max(0, full[i]! - h));
  const missing = sp.map((h, i) => Math.max(0, h - full[i]!));
  // output_padding must stay below the stride (or dilation); a longer tail is zero-padded after.
  const outPad = missing.map((q, i) => (q < Math.max(p.strides[i]!, p.dilations[i]!) ? q : 0));
  const tail = missing.map((q, i) => q - outPad[i]!);
  const spread = g.op1('ConvTranspose', [picked, ctx.f32(oneHot, [count, 1, ...p.kernel])], {
    kernel_shape: p.kernel,
    strides: p.strides,
    dilations: p.dilations.some((d) => d !== 1) ? p.dilations : undefined,
    pads: [...p.pads.slice(0, r), ...cropEnd],
    output_padding: outPad.some((q) => q !== 0) ? outPad : undefined,
  });
  const reached = [xs[0]!, xs[1]!, ...sp.map((h, i) => h - tail[i]!)];
  const dx = g.op1('Reshape', [spread, ctx.i64(reached)]);
  return tail.some((t) => t !== 0) ? g.op1('Pad', [dx, ctx.i64([0, 0, ...sp.map(() => 0), 0, 0, ...tail])]) : dx;
}
