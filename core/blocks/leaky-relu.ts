import { elementwise } from './activation';
import { num, p } from './params';
import { pyFloat } from '../export-pytorch/python';

/** x for x > 0, slope * x otherwise (nn.LeakyReLU, default slope 0.01). */
export const leakyRelu = elementwise({
  type: 'leakyrelu',
  label: 'Leaky ReLU',
  description: 'Like ReLU but lets a small slope through for negative inputs.',
  aliases: ['lrelu', 'PReLU'],
  nameStem: 'lrelu',
  pytorch: (p) => ({ ctor: num(p.params, 'slope') === 0.01 ? 'nn.LeakyReLU()' : `nn.LeakyReLU(${pyFloat(num(p.params, 'slope'))})` }),
  op: 'LeakyRelu',
  params: { slope: p.float('Negative slope', 0.01, { min: 0 }) },
  attrs: (P) => ({ alpha: num(P, 'slope') }),
  opsPerElement: 2,
});
