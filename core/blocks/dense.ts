import { definePrimitive } from './define';
import { denseEmit, denseInfer, denseWeights } from './dense-common';
import { bool, num, p } from './params';
import { call } from '../export-pytorch/python';

/** Fully connected layer (nn.Linear). MACs = in * units. */
export const dense = definePrimitive({
  type: 'dense',
  label: 'Dense',
  category: 'Dense',
  description: 'Every output is a weighted sum of every input (fully connected).',
  aliases: ['fc', 'fully connected', 'Linear', 'InnerProduct', 'Gemm'],
  params: { units: p.int('Units', 128, 1, 1 << 20), bias: p.bool('Bias', true) },
  infer: ([x], P) => denseInfer(x!, num(P, 'units')),
  weights: ([x], _o, P) => denseWeights(x!, num(P, 'units'), bool(P, 'bias')),
  cost: ([x], _o, P) => ({ macs: x![0]! * num(P, 'units'), otherOps: bool(P, 'bias') ? num(P, 'units') : 0 }),
  emit: (g, a) => ({ outputs: [denseEmit(g, a, bool(a.params, 'bias'))] }),
  nameStem: 'fc',
  pytorch: (p) => ({ ctor: call('nn.Linear', [String(p.inShapes[0]![0]), String(num(p.params, 'units'))], bool(p.params, 'bias') ? [] : [['bias', 'False']]) }),
});
