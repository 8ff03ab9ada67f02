/**
 * Sliding-window arithmetic shared by convolution and pooling, per axis, exactly as PyTorch:
 *   out = floor((H + pad_lo + pad_hi - d(k-1) - 1) / s) + 1
 * ceil mode rounds up instead, but (PyTorch's rule) drops the last window when it would start in
 * the right padding: if (out-1)*s >= H + pad_lo then out -= 1.
 * 'same' pads by total = max((ceil(H/s)-1)*s + d(k-1) + 1 - H, 0), floor(total/2) before and the
 * rest after (ONNX SAME_UPPER; for stride 1 and odd kernels this is PyTorch's padding='same').
 */
import type { Issue, FixHint } from './define';
import type { Padding } from './params';

export interface AxisResult {
  out: number;
  lo: number;
  hi: number;
  /** ceil mode changed the size (so ONNX needs ceil_mode=1); false when it made no difference. */
  ceilMatters: boolean;
}

export function axisPads(h: number, k: number, s: number, d: number, pad: Padding, axis: 0 | 1): [number, number] {
  if (pad === 'valid') return [0, 0];
  if (pad === 'same') {
    const total = Math.max((Math.ceil(h / s) - 1) * s + d * (k - 1) + 1 - h, 0);
    const lo = Math.floor(total / 2);
    return [lo, total - lo];
  }
  return [pad[axis], pad[axis]];
}

export function axisOut(h: number, k: number, s: number, d: number, lo: number, hi: number, ceil: boolean): AxisResult | null {
  const dk = d * (k - 1) + 1;
  const span = h + lo + hi - dk;
  if (span < 0) return null;
  const floorOut = Math.floor(span / s) + 1;
  let out = floorOut;
  if (ceil) {
    out = Math.ceil(span / s) + 1;
    if ((out - 1) * s >= h + lo) out -= 1;
  }
  return { out, lo, hi, ceilMatters: out !== floorOut };
}

export interface Window2d {
  out: [number, number];
  /** ONNX pads order: [top, left, bottom, right]. */
  pads: [number, number, number, number];
  ceilMatters: boolean;
}

export interface WindowSpec {
  kernel: [number, number];
  stride: [number, number];
  dilation: [number, number];
  padding: Padding;
  ceil: boolean;
  /** Pools: PyTorch requires padding <= kernel / 2. */
  maxPadHalfKernel: boolean;
  /** Whether the block's padding parameter accepts 'same'. */
  allowsSame: boolean;
}

const AX = ['height', 'width'];

/** Output size of a 2-D window over [H, W], or issues naming the parameter at fault with fixes. */
export function window2d(hw: [number, number], w: WindowSpec): Window2d | Issue[] {
  const res: AxisResult[] = [];
  const padTooLarge: string[] = [];
  const tooLarge: string[] = [];
  for (const a of [0, 1] as const) {
    const [lo, hi] = axisPads(hw[a], w.kernel[a], w.stride[a], w.dilation[a], w.padding, a);
    if (w.maxPadHalfKernel && Math.max(lo, hi) > Math.floor(w.kernel[a] / 2)) {
      padTooLarge.push(`padding ${Math.max(lo, hi)} is more than half the kernel (${w.kernel[a]}) along the ${AX[a]}`);
      continue;
    }
    const r = axisOut(hw[a], w.kernel[a], w.stride[a], w.dilation[a], lo, hi, w.ceil);
    if (!r) {
      tooLarge.push(
        `kernel ${w.dilation[a] * (w.kernel[a] - 1) + 1}${w.dilation[a] > 1 ? ' (after dilation)' : ''} is larger than the padded input ${hw[a] + lo + hi} along the ${AX[a]}`,
      );
      continue;
    }
    res.push(r);
  }
  const issues: Issue[] = [];
  if (padTooLarge.length) {
    const v = Math.floor(Math.min(...w.kernel) / 2);
    issues.push({
      code: 'pool-padding-too-large',
      param: 'padding',
      message: `${padTooLarge.join('; ')}: pooling windows would see only padding`,
      hints: [{ kind: 'setParam', label: `Set padding to ${v}`, param: 'padding', value: v }],
    });
  }
  if (tooLarge.length) issues.push({ code: 'kernel-too-large', param: 'kernel', message: tooLarge.join('; '), hints: kernelHints(hw, w) });
  if (issues.length) return issues;
  const [h, wd] = res as [AxisResult, AxisResult];
  return { out: [h.out, wd.out], pads: [h.lo, wd.lo, h.hi, wd.hi], ceilMatters: h.ceilMatters || wd.ceilMatters };
}

/** Fixes for a kernel that does not fit: the largest kernel that fits, or padding that makes it fit. */
function kernelHints(hw: [number, number], w: WindowSpec): FixHint[] {
  const hints: FixHint[] = [];
  const k: [number, number] = [w.kernel[0], w.kernel[1]];
  for (const b of [0, 1] as const) {
    const [lo, hi] = axisPads(hw[b], w.kernel[b], w.stride[b], w.dilation[b], w.padding, b);
    k[b] = Math.max(1, Math.min(k[b], Math.floor((hw[b] + lo + hi - 1) / w.dilation[b]) + 1));
  }
  hints.push({ kind: 'setParam', label: `Use a ${k[0]}×${k[1]} kernel`, param: 'kernel', value: k[0] === k[1] ? k[0] : k });
  if (w.allowsSame && !w.maxPadHalfKernel && w.padding !== 'same') {
    hints.push({ kind: 'setParam', label: "Pad the input ('same' padding)", param: 'padding', value: 'same' });
  } else {
    // Symmetric padding on both axes so the dilated kernel fits; pools allow at most k/2.
    const need = [0, 1].map((b) => Math.max(0, Math.ceil((w.dilation[b]! * (w.kernel[b]! - 1) + 1 - hw[b]!) / 2)));
    const pv = Math.max(need[0]!, need[1]!);
    if (!w.maxPadHalfKernel || pv <= Math.floor(Math.min(...w.kernel) / 2))
      hints.push({ kind: 'setParam', label: `Pad the input by ${pv}`, param: 'padding', value: pv });
  }
  return hints;
}

/** Image input check shared by spatial blocks. */
export function needImage(inShape: readonly number[]): Issue[] | null {
  if (inShape.length === 3) return null;
  return [{ code: 'needs-image-input', message: `expects an image tensor N×C×H×W, got N×${inShape.join('×')}` }];
}
