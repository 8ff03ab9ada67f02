import { defineComposite, type Issue } from './define';
import { num, p, str } from './params';
import { SubBuilder } from './subgraph';
import { ACTIVATION_BLOCK, convNormAct, MOBILE_ACTIVATIONS, NORM_PARAMS, normOf, oddKernelIssue, type MobileActivation } from './conv-norm-act';
import { innerNode, scalarParam } from './module-match';
import { needImage } from './window';

/**
 * Depthwise-separable convolution (MobileNetV1, Howard et al. 2017): a depthwise k×k conv (one
 * filter per channel, groups = C, with the stride) -> BN -> activation, then a pointwise 1×1 conv
 * mixing channels -> BN -> activation. Names follow torchvision's Conv2dNormActivation:
 * depthwise.0 (conv), depthwise.1 (BN), depthwise.2 (activation), pointwise.0/1/2.
 * Cost: MACs = H'W'·C·k² + H'W'·C·filters, against H'W'·C·filters·k² for a full conv.
 */
export const separableConv = defineComposite({
  type: 'separableconv',
  label: 'Depthwise-separable conv',
  category: 'Convolution',
  description: 'A depthwise k×k conv then a pointwise 1×1 conv, each with batch norm and activation (MobileNet).',
  aliases: ['separable', 'SeparableConv2D', 'depthwise separable', 'depthwise', 'DWConv', 'MobileNetV1'],
  nameStem: 'sepconv',
  params: {
    filters: p.int('Filters', 64, 1, 65536, 'Output channels of the pointwise 1×1 conv'),
    kernel: p.int('Depthwise kernel', 3, 1, 31),
    stride: p.int('Stride', 1, 1, 16),
    activation: p.enumOf('Activation', 'relu', MOBILE_ACTIVATIONS),
    ...NORM_PARAMS,
  },
  expand([x], P) {
    const bad = needImage(x!);
    if (bad) return bad;
    const kernel = num(P, 'kernel');
    if (kernel % 2 === 0) return [oddKernelIssue(kernel) satisfies Issue];
    const c = x![0]!;
    const act = str(P, 'activation') as MobileActivation;
    const bn = normOf(P);
    const b = new SubBuilder();
    const dw = convNormAct(b, 'depthwise', { input: 0 }, { filters: c, kernel, stride: num(P, 'stride'), groups: c, act, ...bn });
    const pw = convNormAct(b, 'pointwise', dw, { filters: num(P, 'filters'), kernel: 1, act, ...bn });
    return b.build([pw]);
  },
  importPattern: {
    members: ['depthwise.0', 'depthwise.2', 'pointwise.0', 'pointwise.2'],
    params(def) {
      const dw = innerNode(def, 'depthwise.0');
      const pw = innerNode(def, 'pointwise.0');
      const bn = innerNode(def, 'depthwise.1');
      const act = innerNode(def, 'depthwise.2');
      const kernel = scalarParam(dw?.params.kernel);
      const filters = scalarParam(pw?.params.filters);
      if (!dw || !pw || !act || kernel === undefined || filters === undefined) return null;
      const activation = MOBILE_ACTIVATIONS.find((a) => ACTIVATION_BLOCK[a].type === act.type);
      if (!activation) return null;
      return {
        filters,
        kernel,
        stride: scalarParam(dw.params.stride) ?? 1,
        activation,
        batchNorm: bn !== undefined,
        eps: scalarParam(bn?.params.eps) ?? 1e-5,
        momentum: scalarParam(bn?.params.momentum) ?? 0.1,
      };
    },
  },
});
