import { elementwise } from './activation';

/** 1 / (1 + e^-x). */
export const sigmoid = elementwise({
  type: 'sigmoid',
  label: 'Sigmoid',
  description: 'Squashes values into (0, 1).',
  aliases: ['logistic'],
  nameStem: 'sigmoid',
  pytorch: () => ({ ctor: 'nn.Sigmoid()' }),
  op: 'Sigmoid',
  opsPerElement: 4,
});
