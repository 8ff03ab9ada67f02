import { definePrimitive } from './define';
import { bool, p } from './params';
import { needImage } from './window';
import { call } from '../export-pytorch/python';

/** Global average pooling: N×C×H×W -> N×C (flattened, the default) or N×C×1×1. */
export const globalAvgPool = definePrimitive({
  type: 'globalavgpool',
  label: 'Global Avg Pool',
  category: 'Pooling',
  description: 'Averages each channel over the whole map; makes the network independent of input size.',
  aliases: ['gap', 'AdaptiveAvgPool2d', 'GlobalAveragePooling2D', 'GlobalAveragePool', 'global pooling'],
  params: { flatten: p.bool('Flatten', true, 'Output N×C instead of N×C×1×1') },
  infer([x], P) {
    const bad = needImage(x!);
    if (bad) return { ok: false, issues: bad };
    return { ok: true, shapes: [bool(P, 'flatten') ? [x![0]!] : [x![0]!, 1, 1]] };
  },
  cost: ([x]) => ({ macs: 0, otherOps: x![0]! * x![1]! * x![2]! }),
  receptive: () => 'global',
  emit(g, a) {
    const y = g.op1('GlobalAveragePool', [a.inputs[0]!], {}, { name: 'GlobalAveragePool' });
    return { outputs: [bool(a.params, 'flatten') ? g.op1('Flatten', [y], { axis: 1 }, { name: 'Flatten' }) : y] };
  },
  nameStem: 'gap',
  pytorch: (p) => ({ ctor: bool(p.params, 'flatten') ? call('nn.Sequential', ['nn.AdaptiveAvgPool2d(1)', 'nn.Flatten()']) : 'nn.AdaptiveAvgPool2d(1)' }),
});
