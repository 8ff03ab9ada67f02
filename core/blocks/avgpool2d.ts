import { definePrimitive } from './define';
import { bool, p } from './params';
import { poolAttrs, poolCost, poolInfer, poolModule, poolParams, poolRf } from './pool-common';

/** Average pooling (nn.AvgPool2d), with PyTorch's count_include_pad (default true). */
export const avgPool2d = definePrimitive({
  type: 'avgpool2d',
  label: 'Average Pool 2D',
  category: 'Pooling',
  description: 'Averages each window; shrinks H×W by the stride.',
  aliases: ['AveragePooling2D', 'average pooling', 'mean pool'],
  params: { ...poolParams, countIncludePad: p.bool('Count padding', true, 'Padding zeros count in the average (PyTorch count_include_pad)') },
  infer: ([x], P) => poolInfer(x!, P),
  cost: (_i, [y], P) => poolCost(y!, P),
  receptive: ([x], P) => poolRf(x!, P),
  emit(g, a) {
    const attrs = { ...poolAttrs(a.inShapes[0]!, a.params), count_include_pad: bool(a.params, 'countIncludePad') ? 1 : 0 };
    return { outputs: [g.op1('AveragePool', [a.inputs[0]!], attrs, { name: 'AveragePool' })] };
  },
  nameStem: 'avgpool',
  pytorch: (p) => poolModule(p, 'avg'),
});
