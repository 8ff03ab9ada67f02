/** Shared rules of MaxPool2d and AvgPool2d (PyTorch semantics, ONNX emission). */
import type { Params, Shape } from '../graph/types';
import type { Cost, InferResult, RfRule } from './define';
import { bool, p, padding, pair } from './params';
import { axisOut, needImage, window2d, type Window2d } from './window';
import type { Primitive } from '../graph/expanded';
import type { LeafModule } from '../export-pytorch/hooks';
import { fPad, kw, symmetric, type Helper } from '../export-pytorch/modules';
import { PytorchExportError } from '../export-pytorch/errors';
import { call, pyPair, type Py } from '../export-pytorch/python';

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

/** No multiply-adds; kh·kw comparisons (max) or additions (average) per output element. */
export function poolCost(y: Shape, P: Params): Cost {
  const [kh, kw] = pair(P, 'kernel');
  return { macs: 0, otherOps: y[0]! * y[1]! * y[2]! * kh * kw };
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

/** nn.MaxPool2d / nn.AvgPool2d with the studio's pads (uneven 'same' pads: a Padded* helper). */
export function poolModule(p: Primitive, kind: 'max' | 'avg'): LeafModule {
  const P = p.params;
  const [, h, w] = p.inShapes[0] as [number, number, number];
  const kernel = pair(P, 'kernel');
  const stride = pair(P, 'stride');
  const ceil = bool(P, 'ceilMode');
  const win = window2d([h, w], { kernel, stride, dilation: [1, 1], padding: padding(P, 'padding'), ceil, maxPadHalfKernel: true, allowsSame: true });
  if (Array.isArray(win)) throw new PytorchExportError(`"${p.name}": invalid pooling window`, p.name);
  const k: [string, Py][] = [['stride', pyPair(stride)]];
  const countPad = kind === 'avg' ? bool(P, 'countIncludePad') : true;
  let helper: Helper | undefined;
  if (symmetric(win.pads))
    kw(
      k,
      'padding',
      pyPair([win.pads[0], win.pads[1]]),
      win.pads.every((x) => x === 0),
    );
  else {
    // Asymmetric ('same') padding: pad explicitly, then pool without padding. That is exact when
    // the padded pool has the same output size, and (average) when padding counts in the mean.
    const out = [0, 1].map((a) => axisOut([h, w][a]! + win.pads[a]! + win.pads[a + 2]!, kernel[a]!, stride[a]!, 1, 0, 0, ceil)?.out);
    if (out[0] !== win.out[0] || out[1] !== win.out[1] || !countPad) {
      throw new PytorchExportError(`"${p.name}": this pooling layer's uneven ('same') padding has no exact PyTorch equivalent; use a numeric padding`, p.name);
    }
    helper = kind === 'max' ? 'PaddedMaxPool2d' : 'PaddedAvgPool2d';
    k.push(['pad', fPad(win.pads)]);
  }
  kw(k, 'ceil_mode', 'True', !ceil);
  if (kind === 'avg') kw(k, 'count_include_pad', 'False', countPad);
  const fn = helper ?? (kind === 'max' ? 'nn.MaxPool2d' : 'nn.AvgPool2d');
  return { ctor: call(fn, [pyPair(kernel)], k), ...(helper ? { helper } : {}) };
}
