/**
 * One primitive -> the PyTorch module that computes it (or a functional expression for blocks
 * without state, such as Add and Concat). Padding is resolved to the pads the studio's ONNX export
 * uses (core/blocks/window.ts), so the PyTorch layer computes exactly the same window positions.
 */
import { axisOut, window2d } from '../blocks/window';
import { bool, num, padding, pair, str } from '../blocks/params';
import type { Primitive } from '../graph/expanded';
import { PytorchExportError } from './errors';
import { call, pyFloat, pyPair, type Py } from './python';

/** Helper classes model.py defines only when a layer needs them. */
export type Helper = 'PaddedConv2d' | 'PaddedMaxPool2d' | 'PaddedAvgPool2d' | 'MirroredLRN';

export interface LeafModule {
  /** Constructor expression; null for functional blocks. */
  ctor: Py | null;
  helper?: Helper;
}

/** Element-wise ONNX ops kept as generic "ONNX op" blocks that have a parameter-free nn module. */
const ONNX_UNARY: Record<string, string> = {
  Identity: 'nn.Identity()',
  Relu: 'nn.ReLU()',
  Sigmoid: 'nn.Sigmoid()',
  Tanh: 'nn.Tanh()',
  Softplus: 'nn.Softplus()',
  Softsign: 'nn.Softsign()',
  Mish: 'nn.Mish()',
};

function kw(list: [string, Py][], name: string, value: Py, skip: boolean): void {
  if (!skip) list.push([name, value]);
}

/** (left, right, top, bottom) as F.pad takes them, from ONNX's [top, left, bottom, right]. */
const fPad = (p: readonly number[]): string => `(${p[1]}, ${p[3]}, ${p[0]}, ${p[2]})`;
const symmetric = (p: readonly number[]): boolean => p[0] === p[2] && p[1] === p[3];

function conv(p: Primitive): LeafModule {
  const P = p.params;
  const [c, h, w] = p.inShapes[0] as [number, number, number];
  const stride = pair(P, 'stride');
  const dilation = pair(P, 'dilation');
  const kernel = pair(P, 'kernel');
  const win = window2d([h, w], { kernel, stride, dilation, padding: padding(P, 'padding'), ceil: false, maxPadHalfKernel: false, allowsSame: true });
  if (Array.isArray(win)) throw new PytorchExportError(`"${p.name}": invalid convolution window`, p.name);
  const k: [string, Py][] = [];
  kw(k, 'stride', pyPair(stride), stride[0] === 1 && stride[1] === 1);
  let helper: Helper | undefined;
  if (symmetric(win.pads)) kw(k, 'padding', pyPair([win.pads[0], win.pads[1]]), win.pads.every((x) => x === 0));
  else if (stride[0] === 1 && stride[1] === 1) k.push(['padding', '"same"']); // PyTorch's 'same' puts the odd pixel after, as the studio does
  else {
    helper = 'PaddedConv2d';
    k.push(['pad', fPad(win.pads)]);
  }
  kw(k, 'dilation', pyPair(dilation), dilation[0] === 1 && dilation[1] === 1);
  kw(k, 'groups', String(num(P, 'groups')), num(P, 'groups') === 1);
  kw(k, 'bias', 'False', bool(P, 'bias'));
  return { ctor: call(helper ?? 'nn.Conv2d', [String(c), String(num(P, 'filters')), pyPair(kernel)], k), ...(helper ? { helper } : {}) };
}

function pool(p: Primitive, kind: 'max' | 'avg'): LeafModule {
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
  if (symmetric(win.pads)) kw(k, 'padding', pyPair([win.pads[0], win.pads[1]]), win.pads.every((x) => x === 0));
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

function lrn(p: Primitive): LeafModule {
  const P = p.params;
  const size = num(P, 'size');
  const k: [string, Py][] = [];
  kw(k, 'alpha', pyFloat(num(P, 'alpha')), num(P, 'alpha') === 1e-4);
  kw(k, 'beta', pyFloat(num(P, 'beta')), num(P, 'beta') === 0.75);
  kw(k, 'k', pyFloat(num(P, 'k')), num(P, 'k') === 1);
  // For an even size ONNX's window has the extra channel after, PyTorch's before.
  const helper: Helper | undefined = size % 2 === 0 ? 'MirroredLRN' : undefined;
  return { ctor: call(helper ?? 'nn.LocalResponseNorm', [String(size)], k), ...(helper ? { helper } : {}) };
}

function onnxOp(p: Primitive): LeafModule {
  const op = str(p.params, 'opType');
  const domain = str(p.params, 'domain');
  const ctor = ONNX_UNARY[op];
  let slots: unknown = null;
  try {
    slots = JSON.parse(str(p.params, 'slots') || '[]');
  } catch {
    // reported below as unsupported
  }
  const plain = Array.isArray(slots) && slots.length === 1 && JSON.stringify(slots[0]) === '{"port":0}';
  const attrs = str(p.params, 'attributes').trim();
  if (!ctor || domain !== '' || !plain || (attrs !== '' && attrs !== '{}')) {
    throw new PytorchExportError(`"${p.name}": the ONNX op ${domain ? `${domain}.` : ''}${op} (an imported operator with no studio block) has no PyTorch counterpart in this exporter; replace the block or export ONNX instead`, p.name);
  }
  return { ctor };
}

export function leafModule(p: Primitive): LeafModule {
  const P = p.params;
  const inC = p.inShapes[0]?.[0];
  switch (p.type) {
    case 'input':
    case 'add':
    case 'concat':
      return { ctor: null };
    case 'output':
      return { ctor: str(P, 'head') === 'dense' ? call('nn.Linear', [String(inC), String(num(P, 'classes'))]) : null };
    case 'conv2d':
      return conv(p);
    case 'maxpool2d':
      return pool(p, 'max');
    case 'avgpool2d':
      return pool(p, 'avg');
    case 'globalavgpool':
      return { ctor: bool(P, 'flatten') ? call('nn.Sequential', ['nn.AdaptiveAvgPool2d(1)', 'nn.Flatten()']) : 'nn.AdaptiveAvgPool2d(1)' };
    case 'batchnorm2d': {
      const k: [string, Py][] = [];
      kw(k, 'eps', pyFloat(num(P, 'eps')), num(P, 'eps') === 1e-5);
      kw(k, 'momentum', pyFloat(num(P, 'momentum')), num(P, 'momentum') === 0.1);
      return { ctor: call('nn.BatchNorm2d', [String(inC)], k) };
    }
    case 'lrn':
      return lrn(p);
    case 'relu':
      return { ctor: 'nn.ReLU()' };
    case 'leakyrelu':
      return { ctor: num(P, 'slope') === 0.01 ? 'nn.LeakyReLU()' : `nn.LeakyReLU(${pyFloat(num(P, 'slope'))})` };
    case 'sigmoid':
      return { ctor: 'nn.Sigmoid()' };
    case 'tanh':
      return { ctor: 'nn.Tanh()' };
    case 'dropout':
      return { ctor: `nn.Dropout(${pyFloat(num(P, 'p'))})` };
    case 'flatten':
      return { ctor: 'nn.Flatten()' };
    case 'dense':
      return { ctor: call('nn.Linear', [String(inC), String(num(P, 'units'))], bool(P, 'bias') ? [] : [['bias', 'False']]) };
    case 'onnx-op':
      return onnxOp(p);
    default:
      throw new PytorchExportError(`"${p.name}": blocks of type "${p.type}" cannot be exported as PyTorch yet`, p.name);
  }
}

/** The forward expression of a functional block (no module). */
export function functionalExpr(p: Primitive, ins: string[]): string | null {
  if (p.type === 'add') return ins.join(' + ');
  if (p.type === 'concat') return `torch.cat([${ins.join(', ')}], dim=1)`;
  return null; // input, identity head: the value passes through
}

export const HELPER_CODE: Record<Helper, string> = {
  PaddedConv2d: `class PaddedConv2d(nn.Conv2d):
    """Conv2d after explicit zero padding (left, right, top, bottom).

    The studio's 'same' padding with a stride puts the odd pixel after, as
    ONNX's SAME_UPPER does; nn.Conv2d only pads evenly.
    """

    def __init__(self, *args, pad, **kwargs):
        super().__init__(*args, **kwargs)
        self.pad = pad

    def forward(self, x):
        return super().forward(F.pad(x, self.pad))
`,
  PaddedMaxPool2d: `class PaddedMaxPool2d(nn.MaxPool2d):
    """MaxPool2d after explicit -inf padding (left, right, top, bottom)."""

    def __init__(self, *args, pad, **kwargs):
        super().__init__(*args, **kwargs)
        self.pad = pad

    def forward(self, x):
        return super().forward(F.pad(x, self.pad, value=float("-inf")))
`,
  PaddedAvgPool2d: `class PaddedAvgPool2d(nn.AvgPool2d):
    """AvgPool2d after explicit zero padding (left, right, top, bottom)."""

    def __init__(self, *args, pad, **kwargs):
        super().__init__(*args, **kwargs)
        self.pad = pad

    def forward(self, x):
        return super().forward(F.pad(x, self.pad))
`,
  MirroredLRN: `class MirroredLRN(nn.LocalResponseNorm):
    """LocalResponseNorm with ONNX's window for an even size.

    ONNX (and the studio) put the extra neighbour channel after, PyTorch
    before: reversing the channels before and after swaps the two.
    """

    def forward(self, x):
        return super().forward(x.flip(1)).flip(1)
`,
};
