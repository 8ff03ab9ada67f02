/**
 * Recognising an imported module as an MBConv (core/blocks/mbconv.ts): reads the parameters off
 * torchvision's names (`conv.0.0` for MobileNetV2, `block.0.0` for MobileNetV3 / EfficientNet).
 * The importer keeps the block only when its expansion equals the module, so a guess that
 * does not fit (an unusual module under these names) stays the module it was.
 */
import type { GroupDef, ModelNode, Params } from '../graph/types';
import { ACTIVATION_BLOCK, MOBILE_ACTIVATIONS } from './conv-norm-act';
import { innerNode, scalarParam } from './module-match';

const isDepthwise = (n: ModelNode | undefined): boolean => (scalarParam(n?.params.groups) ?? 1) > 1;

/** The SE at `<stem>.<i>`: a recognised squeeze-excite block, or its primitives (fc1, fc2). */
function seParams(def: GroupDef, at: string): { squeeze: number; silu: boolean } | null {
  const se = innerNode(def, at);
  if (se?.type === 'squeezeexcite') return { squeeze: Number(se.params.squeeze), silu: se.params.activation === 'silu' };
  const fc1 = innerNode(def, `${at}.fc1`);
  const squeeze = scalarParam(fc1?.params.filters);
  if (squeeze === undefined) return null;
  return { squeeze, silu: innerNode(def, `${at}.activation`)?.type === ACTIVATION_BLOCK.silu.type };
}

export function mbconvImportParams(def: GroupDef): Params | null {
  const stem = innerNode(def, 'conv.0.0') ? 'conv' : innerNode(def, 'block.0.0') ? 'block' : null;
  if (!stem) return null;
  const d = isDepthwise(innerNode(def, `${stem}.0.0`)) ? 0 : 1;
  const dw = innerNode(def, `${stem}.${d}.0`);
  if (!isDepthwise(dw)) return null;
  const act = MOBILE_ACTIVATIONS.find((a) => ACTIVATION_BLOCK[a].type === innerNode(def, `${stem}.${d}.2`)?.type);
  const bn = innerNode(def, `${stem}.${d}.1`);
  const se = stem === 'block' ? seParams(def, `${stem}.${d + 1}`) : null;
  const project = stem === 'conv' ? innerNode(def, `conv.${d + 1}`) : innerNode(def, `block.${d + (se ? 2 : 1)}.0`);
  const filters = scalarParam(project?.params.filters);
  const kernel = scalarParam(dw!.params.kernel);
  if (!act || filters === undefined || kernel === undefined) return null;
  const expanded = d === 1 ? scalarParam(innerNode(def, `${stem}.0.0`)?.params.filters) : undefined;
  return {
    filters,
    expansion: d === 0 ? 1 : 6,
    expandedChannels: expanded ?? 0,
    kernel,
    stride: scalarParam(dw!.params.stride) ?? 1,
    activation: act,
    se: se !== null,
    seChannels: se?.squeeze ?? 0,
    stochasticDepth: 0,
    layout: stem === 'conv' ? 'mobilenet_v2' : se?.silu || act === 'silu' ? 'efficientnet' : 'mobilenet_v3',
    batchNorm: bn !== undefined,
    eps: scalarParam(bn?.params.eps) ?? 1e-5,
    momentum: scalarParam(bn?.params.momentum) ?? 0.1,
  };
}
