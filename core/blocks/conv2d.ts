import { definePrimitive, type Issue } from './define';
import { bool, num, p, padding, pair } from './params';
import type { Params } from '../graph/types';
import { needImage, window2d } from './window';
import type { Primitive } from '../graph/expanded';
import type { LeafModule } from '../export-pytorch/hooks';
import { fPad, kw, symmetric, type Helper } from '../export-pytorch/modules';
import { PytorchExportError } from '../export-pytorch/errors';
import { call, pyPair, type Py } from '../export-pytorch/python';

/** The convolution's window over an H×W input, from its kernel, stride, dilation and padding parameters (no ceil mode). */
function convWindow(P: Params, hw: [number, number]): ReturnType<typeof window2d> {
  return window2d(hw, {
    kernel: pair(P, 'kernel'),
    stride: pair(P, 'stride'),
    dilation: pair(P, 'dilation'),
    padding: padding(P, 'padding'),
    ceil: false,
    maxPadHalfKernel: false,
    allowsSame: true,
  });
}

/**
 * 2-D convolution (PyTorch nn.Conv2d). Weight [filters, C/groups, kh, kw], bias [filters].
 * MACs = H_out * W_out * filters * (C/groups) * kh * kw (bias adds are not counted, as torchvision).
 */
export const conv2d = definePrimitive({
  type: 'conv2d',
  label: 'Conv 2D',
  category: 'Convolution',
  description: 'Convolution over an image: each filter slides over all input channels (of its group).',
  aliases: ['convolution', 'Conv'],
  nameStem: 'conv',
  params: {
    filters: p.int('Filters', 16, 1, 65536),
    kernel: p.pair('Kernel (h×w)', 3),
    stride: p.pair('Stride', 1),
    padding: p.padding('Padding', 'same'),
    dilation: p.pair('Dilation', 1),
    groups: p.int('Groups', 1, 1, 65536),
    bias: p.bool('Bias', true),
  },
  infer([x], P) {
    const bad = needImage(x!);
    if (bad) return { ok: false, issues: bad };
    const [c, h, w] = x as [number, number, number];
    const filters = num(P, 'filters');
    const groups = num(P, 'groups');
    const issues: Issue[] = [];
    if (c % groups !== 0 || filters % groups !== 0) {
      issues.push({
        code: 'groups-mismatch',
        param: 'groups',
        message: `groups (${groups}) must divide both the input channels (${c}) and the filters (${filters})`,
        hints: [{ kind: 'setParam', label: 'Use 1 group', param: 'groups', value: 1 }],
      });
    }
    const win = convWindow(P, [h, w]);
    if (Array.isArray(win)) issues.push(...win);
    if (issues.length || Array.isArray(win)) return { ok: false, issues };
    return { ok: true, shapes: [[filters, win.out[0], win.out[1]]] };
  },
  weights([x], _o, P) {
    const [kh, kw] = pair(P, 'kernel');
    const inPerGroup = x![0]! / num(P, 'groups');
    const fanIn = inPerGroup * kh * kw;
    const filters = num(P, 'filters');
    const w = [{ suffix: 'weight', shape: [filters, inPerGroup, kh, kw], init: { kind: 'kaiming_uniform', fanIn } as const, role: 'param' as const }];
    if (!bool(P, 'bias')) return w;
    return [...w, { suffix: 'bias', shape: [filters], init: { kind: 'uniform', bound: 1 / Math.sqrt(fanIn) } as const, role: 'param' as const }];
  },
  cost([x], [y], P) {
    const [kh, kw] = pair(P, 'kernel');
    const outElems = y![0]! * y![1]! * y![2]!;
    const macs = outElems * (x![0]! / num(P, 'groups')) * kh * kw;
    return { macs, otherOps: bool(P, 'bias') ? outElems : 0 };
  },
  receptive([x], P) {
    const win = convWindow(P, [x![1]!, x![2]!]);
    const pb: [number, number] = Array.isArray(win) ? [0, 0] : [win.pads[0], win.pads[1]];
    return { kernel: pair(P, 'kernel'), stride: pair(P, 'stride'), dilation: pair(P, 'dilation'), padBegin: pb };
  },
  emit(g, a) {
    const P = a.params;
    const x = a.inShapes[0]!;
    const win = convWindow(P, [x[1]!, x[2]!]);
    if (Array.isArray(win)) throw new Error(`conv2d ${a.name}: invalid window`);
    const inputs = [a.inputs[0]!, a.weights.weight!];
    if (bool(P, 'bias')) inputs.push(a.weights.bias!);
    const y = g.op1(
      'Conv',
      inputs,
      {
        kernel_shape: pair(P, 'kernel'),
        strides: pair(P, 'stride'),
        pads: win.pads,
        dilations: pair(P, 'dilation'),
        group: num(P, 'groups'),
      },
      { name: 'Conv' },
    );
    return { outputs: [y] };
  },
  pytorch: convModule,
});

/** nn.Conv2d with the studio's pads: symmetric ones as `padding`, uneven 'same' as PyTorch's own or PaddedConv2d. */
function convModule(p: Primitive): LeafModule {
  const P = p.params;
  const [c, h, w] = p.inShapes[0] as [number, number, number];
  const stride = pair(P, 'stride');
  const dilation = pair(P, 'dilation');
  const kernel = pair(P, 'kernel');
  const win = convWindow(P, [h, w]);
  if (Array.isArray(win)) throw new PytorchExportError(`"${p.name}": invalid convolution window`, p.name);
  const k: [string, Py][] = [];
  kw(k, 'stride', pyPair(stride), stride[0] === 1 && stride[1] === 1);
  let helper: Helper | undefined;
  if (symmetric(win.pads))
    kw(
      k,
      'padding',
      pyPair([win.pads[0], win.pads[1]]),
      win.pads.every((x) => x === 0),
    );
  else if (stride[0] === 1 && stride[1] === 1)
    k.push(['padding', '"same"']); // PyTorch's 'same' puts the odd pixel after, as the studio does
  else {
    helper = 'PaddedConv2d';
    k.push(['pad', fPad(win.pads)]);
  }
  kw(k, 'dilation', pyPair(dilation), dilation[0] === 1 && dilation[1] === 1);
  kw(k, 'groups', String(num(P, 'groups')), num(P, 'groups') === 1);
  kw(k, 'bias', 'False', bool(P, 'bias'));
  return { ctor: call(helper ?? 'nn.Conv2d', [String(c), String(num(P, 'filters')), pyPair(kernel)], k), ...(helper ? { helper } : {}) };
}
