import { elementwise } from './activation';

/** Hyperbolic tangent (LeNet-5's squashing function). */
export const tanh = elementwise({
  type: 'tanh',
  label: 'Tanh',
  description: 'Squashes values into (-1, 1).',
  aliases: ['hyperbolic tangent'],
  nameStem: 'tanh',
  pytorch: () => ({ ctor: 'nn.Tanh()' }),
  op: 'Tanh',
  opsPerElement: 4,
});
