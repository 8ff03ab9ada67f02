import { defineComposite, type Issue, type SubRef } from './define';
import { bool, num, p, str } from './params';
import { SubBuilder } from './subgraph';
import { ACTIVATION_BLOCK, convNormAct, MOBILE_ACTIVATIONS, NORM_PARAMS, normOf, oddKernelIssue, type MobileActivation } from './conv-norm-act';
import { mbconvImportParams } from './mbconv-import';
import { needImage } from './window';
import type { Params } from '../graph/types';

export const MBCONV_LAYOUTS = ['mobilenet_v2', 'mobilenet_v3', 'efficientnet'] as const;
export type MbconvLayout = (typeof MBCONV_LAYOUTS)[number];

/** torchvision's _make_divisible: round to a multiple of d, never more than 10% below v. */
export function makeDivisible(v: number, d = 8): number {
  const r = Math.max(d, Math.floor((v + d / 2) / d) * d);
  return r < 0.9 * v ? r + d : r;
}

/**
 * The squeeze width and SE activations of each layout (torchvision): MobileNetV3 squeezes the
 * expanded width E to _make_divisible(E/4, 8) with ReLU and a hard-sigmoid gate; EfficientNet
 * squeezes to max(1, C_in/4) with SiLU and a sigmoid gate.
 */
function seDefaults(layout: MbconvLayout, inC: number, expanded: number): { squeeze: number; activation: 'relu' | 'silu'; gate: 'hardsigmoid' | 'sigmoid' } {
  if (layout === 'efficientnet') return { squeeze: Math.max(1, Math.floor(inC / 4)), activation: 'silu', gate: 'sigmoid' };
  return { squeeze: makeDivisible(Math.floor(expanded / 4)), activation: 'relu', gate: 'hardsigmoid' };
}

/** The expansion's width: the explicit one, else round(C_in × ratio) (torchvision's rounding). */
export function expandedWidth(inC: number, P: Params): number {
  const explicit = num(P, 'expandedChannels');
  return explicit > 0 ? explicit : Math.round(inC * num(P, 'expansion'));
}

function layoutIssues(layout: MbconvLayout, P: Params): Issue[] {
  const issues: Issue[] = [];
  const kernel = num(P, 'kernel');
  if (kernel % 2 === 0) issues.push(oddKernelIssue(kernel));
  if (layout === 'mobilenet_v2' && bool(P, 'se')) {
    issues.push({
      code: 'invalid-param',
      param: 'se',
      message: "MobileNetV2's inverted residual has no squeeze-excite: choose layout mobilenet_v3 or efficientnet for one",
      hints: [
        { kind: 'setParam', label: 'Turn squeeze-excite off', param: 'se', value: false },
        { kind: 'setParam', label: 'Use the EfficientNet layout', param: 'layout', value: 'efficientnet' },
      ],
    });
  }
  return issues;
}

/**
 * Inverted residual / MBConv (MobileNetV2, Sandler et al. 2018; MobileNetV3; EfficientNet):
 *   expand 1×1 (C_in -> E, BN, act; skipped when E = C_in, i.e. ratio 1)
 *   -> depthwise k×k (stride, groups E, BN, act) -> [squeeze-excite on E]
 *   -> project 1×1 (E -> filters, BN, no activation: the "linear bottleneck")
 *   -> + input when stride is 1 and C_in = filters (stochastic depth on the branch first, if p > 0).
 * Names follow torchvision so state dicts map: layout mobilenet_v2 is InvertedResidual's
 * `conv.0.0` ... `conv.2` (project conv), `conv.3` (its BN); mobilenet_v3 and efficientnet are
 * `block.0.0` ... with SE at `block.<i>` and the projection at `block.<i>.0/1`.
 */
export const mbconv = defineComposite({
  type: 'mbconv',
  label: 'Inverted residual (MBConv)',
  category: 'Composite',
  description: 'Expand 1×1, depthwise k×k, optional squeeze-excite, linear 1×1 projection, skip: MobileNetV2/V3, EfficientNet.',
  aliases: ['inverted residual', 'bottleneck', 'linear bottleneck', 'separable', 'MobileNet', 'EfficientNet'],
  nameStem: 'mbconv',
  params: {
    filters: p.int('Filters', 24, 1, 65536, 'Output channels of the projection'),
    expansion: p.float('Expansion ratio', 6, { min: 1, max: 64, help: 'Expanded width = round(input channels × ratio); 1 skips the expansion conv' }),
    expandedChannels: p.int('Expanded channels', 0, 0, 65536, '0: input channels × expansion ratio; otherwise this width (MobileNetV3 lists them)'),
    kernel: p.int('Depthwise kernel', 3, 1, 31),
    stride: p.int('Stride', 1, 1, 16),
    activation: p.enumOf('Activation', 'relu6', MOBILE_ACTIVATIONS),
    se: p.bool('Squeeze-excite', false),
    seChannels: p.int('SE squeeze channels', 0, 0, 65536, "0: the layout's default (MobileNetV3: expanded/4 to a multiple of 8; EfficientNet: input/4)"),
    stochasticDepth: p.float('Stochastic depth', 0, {
      min: 0,
      max: 1,
      exclusiveMax: true,
      help: 'Probability of dropping the branch per sample while training (only with the skip)',
    }),
    layout: p.enumOf('Layout (names)', 'mobilenet_v2', MBCONV_LAYOUTS, 'Whose module layout and weight names to follow'),
    ...NORM_PARAMS,
  },
  expand([x], P) {
    const bad = needImage(x!);
    if (bad) return bad;
    const layout = str(P, 'layout') as MbconvLayout;
    const issues = layoutIssues(layout, P);
    if (issues.length) return issues;
    const inC = x![0]!;
    const expanded = expandedWidth(inC, P);
    const filters = num(P, 'filters');
    const act = str(P, 'activation') as MobileActivation;
    const bn = normOf(P);
    const stem = layout === 'mobilenet_v2' ? 'conv' : 'block';
    const b = new SubBuilder();
    let i = 0;
    let cur: SubRef = { input: 0 };
    if (expanded !== inC) cur = convNormAct(b, `${stem}.${i++}`, cur, { filters: expanded, kernel: 1, act, ...bn });
    cur = convNormAct(b, `${stem}.${i++}`, cur, { filters: expanded, kernel: num(P, 'kernel'), stride: num(P, 'stride'), groups: expanded, act, ...bn });
    if (bool(P, 'se')) {
      const d = seDefaults(layout, inC, expanded);
      const squeeze = num(P, 'seChannels') || d.squeeze;
      cur = b.add(`${stem}.${i++}`, 'squeezeexcite', { squeeze, activation: d.activation, gate: d.gate }, [cur]);
    }
    if (layout === 'mobilenet_v2') {
      cur = b.add(`conv.${i}`, 'conv2d', { filters, kernel: 1, padding: 0, bias: !bn.batchNorm }, [cur]);
      if (bn.batchNorm) cur = b.add(`conv.${i + 1}`, 'batchnorm2d', { eps: bn.eps, momentum: bn.momentum }, [cur]);
    } else cur = convNormAct(b, `block.${i}`, cur, { filters, kernel: 1, act: null, ...bn });
    if (num(P, 'stride') !== 1 || inC !== filters) return b.build([cur]);
    const sd = num(P, 'stochasticDepth');
    if (sd > 0) cur = b.add('stochastic_depth', 'stochasticdepth', { p: sd }, [cur]);
    // Operand order as torchvision writes it (an imported Add must match): V2 `x + self.conv(x)`,
    // V3 and EfficientNet `result += input`.
    const operands: SubRef[] = layout === 'mobilenet_v2' ? [{ input: 0 }, cur] : [cur, { input: 0 }];
    return b.build([b.add('add', 'add', { inputs: 2 }, operands)]);
  },
  // Every InvertedResidual / MBConv holds its first conv and activation (even with batch norm folded in).
  importPattern: {
    memberSets: [
      ['conv.0.0', 'conv.0.2'],
      ['block.0.0', 'block.0.2'],
    ],
    params: mbconvImportParams,
  },
});

/** The activation a layout's block uses, by its block type (for import). */
export function activationOfType(type: string | undefined): MobileActivation | undefined {
  return MOBILE_ACTIVATIONS.find((a) => ACTIVATION_BLOCK[a].type === type);
}
