import { definePrimitive, size } from './define';
import { num, p } from './params';
import { pyFloat } from '../export-pytorch/python';
import { emitDropMask } from './drop-mask';

/**
 * Dropout (nn.Dropout): zeroes each element with probability p while training and scales the rest
 * by 1/(1-p); identity at inference (so export emits nothing). See DropoutMode for training.
 */
export const dropout = definePrimitive({
  type: 'dropout',
  label: 'Dropout',
  category: 'Regularization',
  description: 'Randomly zeroes activations while training to reduce overfitting.',
  aliases: ['drop'],
  params: { p: p.float('Drop probability', 0.5, { min: 0, max: 1, exclusiveMax: true }) },
  infer: ([x]) => ({ ok: true, shapes: [x!] }),
  cost: ([x]) => ({ macs: 0, otherOps: size(x!) }),
  emit: (g, a) => emitDropMask(g, a, { what: 'dropout', maskDims: a.outShapes[0]!, outName: 'dropout' }),
  nameStem: 'dropout',
  pytorch: (p) => ({ ctor: `nn.Dropout(${pyFloat(num(p.params, 'p'))})` }),
});
