import { definePrimitive, size } from './define';
import { num, p } from './params';
import { pyFloat } from '../export-pytorch/python';
import { emitDropMask } from './drop-mask';

/**
 * Stochastic depth (Huang et al. 2016), torchvision.ops.StochasticDepth in 'row' mode: while
 * training, each sample's whole input is zeroed with probability p and the survivors are scaled
 * by 1/(1-p); identity at inference (export emits an Identity). Placed on a residual branch
 * before its Add, it drops the branch for that sample, leaving the skip. Training follows the
 * dropout mode (DropoutMode in define.ts): 'mask-input' multiplies by a graph input
 * `<name>.mask` of shape [N, 1, 1, 1] (0 or 1/(1-p) per sample, drawn by the trainer);
 * 'random' draws the same from RandomUniformLike on a [N, 1, 1, 1] slice of the input.
 */
export const stochasticDepth = definePrimitive({
  type: 'stochasticdepth',
  label: 'Stochastic depth',
  category: 'Regularization',
  description: 'While training, drops a residual branch for a random subset of samples (EfficientNet); identity at inference.',
  aliases: ['drop path', 'DropPath', 'drop connect', 'survival probability'],
  params: { p: p.float('Drop probability', 0.2, { min: 0, max: 1, exclusiveMax: true, help: 'Probability that a sample skips this branch while training' }) },
  infer: ([x]) => ({ ok: true, shapes: [x!] }),
  cost: ([x]) => ({ macs: 0, otherOps: size(x!) }),
  emit(g, a) {
    const rank = a.outShapes[0]!.length;
    const axes = Array.from({ length: rank }, (_, i) => i + 1);
    return emitDropMask(g, a, {
      what: 'stochastic depth',
      maskDims: axes.map(() => 1),
      granularity: 'per sample',
      outName: 'stochastic_depth',
      // One value per sample: x[:, :1, :1, ...] has shape [N, 1, ..., 1]; only its shape is used.
      drawShapeOf: (x) =>
        g.op1(
          'Slice',
          [
            x,
            g.constInt64(
              'starts',
              axes.map(() => 0),
            ),
            g.constInt64(
              'ends',
              axes.map(() => 1),
            ),
            g.constInt64('axes', axes),
          ],
          {},
          { name: 'row' },
        ),
    });
  },
  nameStem: 'stochastic_depth',
  pytorch: (p) => ({ ctor: `StochasticDepth(${pyFloat(num(p.params, 'p'))})`, helper: 'StochasticDepth' }),
});
