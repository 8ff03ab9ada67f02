import { definePrimitive, size } from './define';
import { num, p } from './params';
import { pyFloat } from '../export-pytorch/python';

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
    const [x] = a.inputs as [string];
    const prob = num(a.params, 'p');
    const mode = a.ctx.dropout ?? 'off';
    if (!a.ctx.training || mode === 'off' || prob === 0) {
      const notes = a.ctx.training && prob > 0 ? [`${a.name}: stochastic depth is off in this training graph (identity)`] : [];
      return { outputs: [g.op1('Identity', [x], {}, { name: 'Identity' })], notes };
    }
    const rank = a.outShapes[0]!.length;
    const rowShape = [a.ctx.batch ?? 'N', ...Array<number>(rank).fill(1)];
    if (mode === 'mask-input') {
      const mask = g.input(`${a.name}.mask`, 'float32', rowShape);
      const purpose = `stochastic depth mask per sample (0 or ${1 / (1 - prob)}) p=${prob}`;
      return { outputs: [g.op1('Mul', [x, mask], {}, { name: 'stochastic_depth' })], extraInputs: [{ value: mask, purpose }] };
    }
    // One value per sample: x[:, :1, :1, ...] has shape [N, 1, ..., 1]; only its shape is used.
    const axes = Array.from({ length: rank }, (_, i) => i + 1);
    const row = g.op1(
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
    );
    const seed = a.ctx.dropoutSeed;
    const u = g.op1(
      'RandomUniformLike',
      [row],
      {
        dtype: 1,
        low: { kind: 'float', value: 0 },
        high: { kind: 'float', value: 1 },
        seed: seed === undefined ? undefined : { kind: 'float', value: seed + a.index },
      },
      { name: 'uniform' },
    );
    const keep = g.op1('Cast', [g.op1('Less', [u, g.constFloat('keep_prob', [1 - prob], [])], {}, { name: 'keep' })], { to: 1 }, { name: 'keep_f' });
    const mask = g.op1('Mul', [keep, g.constFloat('scale', [1 / (1 - prob)], [])], {}, { name: 'mask' });
    return { outputs: [g.op1('Mul', [x, mask], {}, { name: 'stochastic_depth' })] };
  },
  nameStem: 'stochastic_depth',
  pytorch: (p) => ({ ctor: `StochasticDepth(${pyFloat(num(p.params, 'p'))})`, helper: 'StochasticDepth' }),
});
