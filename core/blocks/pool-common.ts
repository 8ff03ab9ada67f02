/** Shared rules of MaxPool2d and AvgPool2d (PyTorch semantics, ONNX emission). */
import type { Params, Shape } from '../graph/types';
import type { InferResult, RfRule } from './define';
import { bool, p, padding, pair } from './params';
import { needImage, window2d, type Window2d } from './window';

export const poolParams = {
  kernel: p.pair('Kernel (h×w)', 2),
  stride: p.pair('Stride', 2),
  padding: p.padding('Padding', 0),
  ceilMode: p.bool('Ceil mode', false, 'Round the output size up (PyTorch ceil_mode)'),
};

export function poolWindow(x: Shape, P: Params): Window2d | ReturnType<typeof window2d> {
  return window2d([x[1]!, x[2]!], {
    kernel: pair(P, 'kernel'),
    stride: pair(P, 'stride'),
    dilation: [1, 1],
    padding: padding(P, 'padding'),
    ceil: bool(P, 'ceilMode'),
    maxPadHalfKernel: true,
    allowsSame: true,
  });
}

export function poolInfer(x: Shape, P: Params): InferResult {
  const bad = needImage(x);
  if (bad) return { ok: false, issues: bad };
  const win = poolWindow(x, P);
  if (Array.isArray(win)) return { ok: false, issues: win };
  return { ok: true, shapes: [[x[0]!, win.out[0], win.out[1]]] };
}

export function poolRf(x: Shape, P: Params): RfRule {
  const win = poolWindow(x, P);
  return {
    kernel: pair(P, 'kernel'),
    stride: pair(P, 'stride'),
    dilation: [1, 1],
    padBegin: Array.isArray(win) ? [0, 0] : [win.pads[0], win.pads[1]],
  };
}

/** ONNX attributes; ceil_mode is set only where it changes the size, so PyTorch's rule holds. */
export function poolAttrs(x: Shape, P: Params): { kernel_shape: number[]; strides: number[]; pads: number[]; ceil_mode: number } {
  const win = poolWindow(x, P);
  if (Array.isArray(win)) throw new Error('invalid pooling window');
  return { kernel_shape: pair(P, 'kernel'), strides: pair(P, 'stride'), pads: win.pads, ceil_mode: win.ceilMatters ? 1 : 0 };
}
