import { definePrimitive } from './define';
import { poolAttrs, poolCost, poolInfer, poolModule, poolParams, poolRf } from './pool-common';

/** Max pooling (nn.MaxPool2d). Other ops: kh*kw comparisons per output element. */
export const maxPool2d = definePrimitive({
  type: 'maxpool2d',
  label: 'Max Pool 2D',
  category: 'Pooling',
  description: 'Keeps the largest value in each window; shrinks H×W by the stride.',
  aliases: ['MaxPooling2D', 'max pooling'],
  nameStem: 'pool',
  params: { ...poolParams },
  infer: ([x], P) => poolInfer(x!, P),
  cost: (_i, [y], P) => poolCost(y!, P),
  receptive: ([x], P) => poolRf(x!, P),
  emit(g, a) {
    return { outputs: [g.op1('MaxPool', [a.inputs[0]!], poolAttrs(a.inShapes[0]!, a.params), { name: 'MaxPool' })] };
  },
  pytorch: (p) => poolModule(p, 'max'),
});
