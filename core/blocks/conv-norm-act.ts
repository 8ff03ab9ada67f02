/**
 * Pieces the mobile blocks (separable conv, MBConv) share: the activations they offer, as the
 * block types that compute them, and torchvision's Conv2dNormActivation (conv without bias ->
 * batch norm -> optional activation, named `<p>.0`, `<p>.1`, `<p>.2`), so weight names match
 * torchvision's state dicts.
 */
import type { Params } from '../graph/types';
import type { SubRef } from './define';
import type { SubBuilder } from './subgraph';
import { bool, num, p } from './params';

/** The activations of MobileNet/EfficientNet; `relu6` = min(max(x, 0), 6), `silu` = x·sigmoid(x). */
export const MOBILE_ACTIVATIONS = ['relu6', 'relu', 'hardswish', 'silu'] as const;
export type MobileActivation = (typeof MOBILE_ACTIVATIONS)[number];

/** The block type (and its parameters) that computes each activation. */
export const ACTIVATION_BLOCK: Record<MobileActivation | 'sigmoid' | 'hardsigmoid', { type: string; params: Params }> = {
  relu: { type: 'relu', params: {} },
  relu6: { type: 'relu6', params: {} },
  hardswish: { type: 'hardswish', params: {} },
  silu: { type: 'silu', params: {} },
  sigmoid: { type: 'sigmoid', params: {} },
  hardsigmoid: { type: 'hardsigmoid', params: {} },
};

export interface ConvNormAct {
  filters: number;
  kernel: number;
  stride?: number;
  groups?: number;
  eps: number;
  /** Batch norm's running-statistics momentum (PyTorch's convention; MobileNetV3 uses 0.01). */
  momentum: number;
  /** false: the conv has a bias and no batch norm follows (batch norm folded in, as eval-mode ONNX exports have it). */
  batchNorm: boolean;
  /** null: no activation (an MBConv's linear projection). */
  act: MobileActivation | null;
}

/**
 * Conv2dNormActivation: padding (k-1)/2 keeps the map size at stride 1, as torchvision pads.
 * Without batch norm the activation keeps its index 2, as in torchvision's folded ONNX exports.
 */
export function convNormAct(b: SubBuilder, prefix: string, from: SubRef, u: ConvNormAct): SubRef {
  const conv = b.add(
    `${prefix}.0`,
    'conv2d',
    {
      filters: u.filters,
      kernel: u.kernel,
      stride: u.stride ?? 1,
      padding: (u.kernel - 1) / 2,
      groups: u.groups ?? 1,
      bias: !u.batchNorm,
    },
    [from],
  );
  const bn = u.batchNorm ? b.add(`${prefix}.1`, 'batchnorm2d', { eps: u.eps, momentum: u.momentum }, [conv]) : conv;
  if (u.act === null) return bn;
  const a = ACTIVATION_BLOCK[u.act];
  return b.add(`${prefix}.2`, a.type, a.params, [bn]);
}

/** The batch norm parameters the mobile blocks share. */
export const NORM_PARAMS = {
  batchNorm: p.bool('Batch norm', true, 'Off: convs with bias and no batch norm (batch norm folded in, as eval-mode ONNX exports have it)'),
  eps: p.float('Batch norm epsilon', 1e-5, { min: 0, exclusiveMin: true }),
  momentum: p.float('Batch norm momentum', 0.1, { min: 0, max: 1 }),
};

/** The batch norm settings of a block's parameters. */
export function normOf(P: Params): { batchNorm: boolean; eps: number; momentum: number } {
  return { batchNorm: bool(P, 'batchNorm'), eps: num(P, 'eps'), momentum: num(P, 'momentum') };
}

/** An odd kernel keeps the map size with padding (k-1)/2; an even one cannot. */
export function oddKernelIssue(kernel: number) {
  return {
    code: 'invalid-param' as const,
    param: 'kernel',
    message: `kernel ${kernel} is even: the depthwise conv pads (k-1)/2 on each side, which keeps the map size only for an odd kernel`,
    hints: [{ kind: 'setParam' as const, label: `Use kernel ${kernel + 1}`, param: 'kernel', value: kernel + 1 }],
  };
}
