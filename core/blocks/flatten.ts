import { definePrimitive, size } from './define';

/** N×C×H×W -> N×(C*H*W), in PyTorch's (channel-major) order. */
export const flatten = definePrimitive({
  type: 'flatten',
  label: 'Flatten',
  category: 'Shape',
  description: 'Turns a feature map into a vector for dense layers.',
  aliases: ['reshape', 'view'],
  params: {},
  infer: ([x]) => ({ ok: true, shapes: [[size(x!)]] }),
  receptive: ([x]) => (x!.length === 3 ? 'global' : 'identity'),
  emit: (g, a) => ({ outputs: [g.op1('Flatten', [a.inputs[0]!], { axis: 1 }, { name: 'Flatten' })] }),
  nameStem: 'flatten',
  pytorch: () => ({ ctor: 'nn.Flatten()' }),
});
