import { elementwise } from './activation';

/** max(0, x). */
export const relu = elementwise({
  type: 'relu',
  label: 'ReLU',
  description: 'max(0, x): the default activation.',
  aliases: ['rectifier', 'rectified linear unit'],
  nameStem: 'relu',
  pytorch: () => ({ ctor: 'nn.ReLU()' }),
  op: 'Relu',
});
