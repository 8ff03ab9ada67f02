import { defineComposite, fmt, type Issue } from './define';
import { num, p, str } from './params';
import { SubBuilder } from './subgraph';
import { innerNode, scalarParam } from './module-match';
import { squeezeExciteCtor } from '../export-pytorch/composites';

const ACTIVATIONS = ['relu', 'silu'] as const;
const GATES = ['sigmoid', 'hardsigmoid'] as const;

const isOneOf = <T extends string>(list: readonly T[], v: string | undefined): v is T => v !== undefined && (list as readonly string[]).includes(v);

/**
 * Squeeze-and-Excitation (Hu et al. 2017), torchvision.ops.SqueezeExcitation's layout and names:
 *   avgpool (global average, N×C×1×1) -> fc1 1×1 conv (squeeze channels, bias) -> activation
 *   -> fc2 1×1 conv (C, bias) -> scale_activation (the gate, in 0..1) -> mul: gate × input.
 * Each channel of the input is scaled by a weight computed from the whole map. MobileNetV3 uses
 * ReLU and Hardsigmoid, EfficientNet SiLU and Sigmoid. Weights: `<name>.fc1.weight`, `.fc2.bias`.
 */
export const squeezeExcite = defineComposite({
  type: 'squeezeexcite',
  label: 'Squeeze-Excite',
  category: 'Composite',
  description: 'Scales each channel by a gate computed from the globally pooled map (SENet, MobileNetV3, EfficientNet).',
  aliases: ['SE', 'SE block', 'squeeze and excitation', 'SqueezeExcitation', 'SENet', 'channel attention', 'gate'],
  nameStem: 'se',
  params: {
    squeeze: p.int('Squeeze channels', 8, 1, 65536, 'Width of the bottleneck between fc1 and fc2 (often C/4)'),
    activation: p.enumOf('Activation', 'relu', ACTIVATIONS, 'After fc1: ReLU (MobileNetV3) or SiLU (EfficientNet)'),
    gate: p.enumOf('Gate', 'sigmoid', GATES, 'After fc2: Sigmoid (EfficientNet) or Hardsigmoid (MobileNetV3)'),
  },
  expand([x], P) {
    if (x!.length !== 3) {
      return [
        {
          code: 'needs-image-input',
          message: `expects an image tensor N×C×H×W, got ${fmt(x!)}; squeeze-excite gates the channels of a feature map`,
        } satisfies Issue,
      ];
    }
    const b = new SubBuilder();
    const conv1x1 = (filters: number) => ({ filters, kernel: 1, stride: 1, padding: 0, bias: true });
    let s = b.add('avgpool', 'globalavgpool', { flatten: false }, [{ input: 0 }]);
    s = b.add('fc1', 'conv2d', conv1x1(num(P, 'squeeze')), [s]);
    s = b.add('activation', str(P, 'activation'), {}, [s]);
    s = b.add('fc2', 'conv2d', conv1x1(x![0]!), [s]);
    s = b.add('scale_activation', str(P, 'gate'), {}, [s]);
    // torchvision computes `scale * input`: the gate is the Mul's first operand.
    return b.build([b.add('mul', 'multiply', { inputs: 2 }, [s, { input: 0 }])]);
  },
  // A SqueezeExcitation class with torchvision's attribute names (composites.ts), so state_dicts map.
  pytorch: (item, gen) => squeezeExciteCtor(item, (c) => gen.useBuiltin(c)),
  // torchvision's module: avgpool, fc1, activation, fc2, scale_activation and the Mul.
  importPattern: {
    params(def) {
      const squeeze = scalarParam(innerNode(def, 'fc1')?.params.filters);
      const activation = innerNode(def, 'activation')?.type;
      const gate = innerNode(def, 'scale_activation')?.type;
      if (squeeze === undefined || !isOneOf(ACTIVATIONS, activation) || !isOneOf(GATES, gate) || !innerNode(def, 'mul')) return null;
      return { squeeze, activation, gate };
    },
  },
});
