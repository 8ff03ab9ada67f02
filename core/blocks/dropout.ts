import { definePrimitive, size } from './define';
import { num, p } from './params';
import { pyFloat } from '../export-pytorch/python';

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
  emit(g, a) {
    const [x] = a.inputs as [string];
    const prob = num(a.params, 'p');
    const mode = a.ctx.dropout ?? 'off';
    if (!a.ctx.training || mode === 'off' || prob === 0) {
      const notes = a.ctx.training && prob > 0 ? [`${a.name}: dropout is off in this training graph (identity)`] : [];
      return { outputs: [g.op1('Identity', [x], {}, { name: 'Identity' })], notes };
    }
    const scale = g.constFloat('scale', [1 / (1 - prob)], []);
    if (mode === 'mask-input') {
      const mask = g.input(`${a.name}.mask`, 'float32', [a.ctx.batch ?? 'N', ...a.outShapes[0]!]);
      return {
        outputs: [g.op1('Mul', [x, mask], {}, { name: 'dropout' })],
        extraInputs: [{ value: mask, purpose: `dropout mask (0 or ${1 / (1 - prob)}) p=${prob}` }],
      };
    }
    const seed = a.ctx.dropoutSeed;
    const u = g.op1(
      'RandomUniformLike',
      [x],
      {
        dtype: 1,
        low: { kind: 'float', value: 0 },
        high: { kind: 'float', value: 1 },
        seed: seed === undefined ? undefined : { kind: 'float', value: seed + a.index },
      },
      { name: 'uniform' },
    );
    const keep = g.op1('Cast', [g.op1('Less', [u, g.constFloat('keep_prob', [1 - prob], [])], {}, { name: 'keep' })], { to: 1 }, { name: 'keep_f' });
    const mask = g.op1('Mul', [keep, scale], {}, { name: 'mask' });
    return { outputs: [g.op1('Mul', [x, mask], {}, { name: 'dropout' })] };
  },
  nameStem: 'dropout',
  pytorch: (p) => ({ ctor: `nn.Dropout(${pyFloat(num(p.params, 'p'))})` }),
});
