import { attrInt, spatialParams } from '../attrs';
import type { GradRule } from './types';
import { inShape, outShape } from './util';

/**
 * AveragePool: y[o] = (1 / D[o]) * sum_{i in window(o), i inside x} x[i], where the divisor D[o]
 * is the window size (count_include_pad = 1, clipped at the padded border in ceil mode) or the
 * number of valid elements (count_include_pad = 0). Hence dx = ConvTranspose(dy / D, ones[k]).
 *
 * - D is the same for every window when there is no padding and the last window does not hang over
 *   the input (ceil mode): then dy / D is a scalar multiply by 1 / prod(k).
 * - otherwise 1/D is computed in the graph from constants, mirroring ORT's own forward:
 *   1/D = AveragePool(ones) / Conv(ones, ones[k]) (valid count per window), which ORT folds.
 * - ConvTranspose works on [N*C, 1, Ho, Wo] with one ones kernel; output_padding =
 *   (H + p_b + p_e' - k) mod s restores H, where p_e' also crops a ceil-mode overhang.
 */
export const averagePoolGrad: GradRule = (node, dy, ctx) => {
  const xs = inShape(ctx, node, 0);
  const ys = outShape(ctx, node, 0);
  const sp = xs.slice(2);
  const r = sp.length;
  const p = spatialParams(node, sp);
  const g = ctx.g;
  // Overhang of the last window past the end padding (ceil mode), per spatial dim.
  const extra = sp.map((h, i) => Math.max(0, (ys[i + 2]! - 1) * p.strides[i]! + p.kernel[i]! - (h + p.pads[i]! + p.pads[i + r]!)));
  const padsE = p.pads.map((q, i) => (i >= r ? q + extra[i - r]! : q));
  const uniform = p.pads.every((q) => q === 0) && extra.every((e) => e === 0);
  let scaled: string;
  if (uniform) {
    scaled = g.op1('Mul', [dy, ctx.f32([1 / p.kernel.reduce((a, b) => a * b, 1)])]);
  } else {
    const ones = ctx.g.constFloat('avgpool_ones', new Float32Array(sp.reduce((a, b) => a * b, 1)).fill(1), [1, 1, ...sp]);
    const kOnes = ctx.g.constFloat('avgpool_kones', new Float32Array(p.kernel.reduce((a, b) => a * b, 1)).fill(1), [1, 1, ...p.kernel]);
    const avg = g.op1('AveragePool', [ones], {
      kernel_shape: p.kernel,
      strides: p.strides,
      pads: p.pads,
      ceil_mode: p.ceil ? 1 : 0,
      count_include_pad: attrInt(node, 'count_include_pad', 0),
    });
    const cnt = g.op1('Conv', [ones, kOnes], { kernel_shape: p.kernel, strides: p.strides, pads: padsE });
    const inv = g.op1('Div', [avg, cnt]);
    scaled = g.op1('Mul', [dy, inv]);
  }
  const nc = xs[0]! * xs[1]!;
  const flat = g.op1('Reshape', [scaled, ctx.i64([nc, 1, ...ys.slice(2)])]);
  const kOnes = ctx.f32(new Array<number>(p.kernel.reduce((a, b) => a * b, 1)).fill(1), [1, 1, ...p.kernel]);
  const outPad = sp.map((h, i) => h + p.pads[i]! + padsE[i + r]! - (ys[i + 2]! - 1) * p.strides[i]! - p.kernel[i]!);
  const up = g.op1('ConvTranspose', [flat, kOnes], {
    kernel_shape: p.kernel,
    strides: p.strides,
    pads: padsE,
    output_padding: outPad.some((q) => q !== 0) ? outPad : undefined,
  });
  const dx = g.op1('Reshape', [up, ctx.i64(xs)]);
  return [dx];
};
