/**
 * The training-mode emission dropout and stochastic depth share: y = x · mask, where mask is 0 with
 * probability p and 1/(1-p) otherwise (so E[y] = x), drawn per element (dropout) or per sample
 * (stochastic depth). DropoutMode (define.ts) says where the mask comes from.
 */
import type { EmitArgs, EmitResult } from './define';
import { num } from './params';
import type { GraphBuilder } from '../onnx/builder';

export interface DropMaskSpec {
  /** The block's kind in the note and the mask's purpose: 'dropout', 'stochastic depth'. */
  what: string;
  /** The mask's dims after the batch axis: the input's shape, or all 1s for one value per sample. */
  maskDims: readonly number[];
  /** How the random mask varies, appended to the purpose of a 'mask-input' mask ('per sample'). */
  granularity?: string;
  /** Name of the output Mul node. */
  outName: string;
  /** 'random' mode: the value whose shape RandomUniformLike draws (the input itself by default). */
  drawShapeOf?: (x: string) => string;
}

/** Emits a dropout-like block with parameter `p`: identity at inference, in mode 'off' or at p = 0. */
export function emitDropMask(g: GraphBuilder, a: EmitArgs, spec: DropMaskSpec): EmitResult {
  const [x] = a.inputs as [string];
  const prob = num(a.params, 'p');
  const mode = a.ctx.dropout ?? 'off';
  if (!a.ctx.training || mode === 'off' || prob === 0) {
    const notes = a.ctx.training && prob > 0 ? [`${a.name}: ${spec.what} is off in this training graph (identity)`] : [];
    return { outputs: [g.op1('Identity', [x], {}, { name: 'Identity' })], notes };
  }
  const scale = 1 / (1 - prob);
  if (mode === 'mask-input') {
    const mask = g.input(`${a.name}.mask`, 'float32', [a.ctx.batch ?? 'N', ...spec.maskDims]);
    const per = spec.granularity ? ` ${spec.granularity}` : '';
    const purpose = `${spec.what} mask${per} (0 or ${scale}) p=${prob}`;
    return { outputs: [g.op1('Mul', [x, mask], {}, { name: spec.outName })], extraInputs: [{ value: mask, purpose }] };
  }
  const mask = randomKeepMask(g, a, spec.drawShapeOf ? spec.drawShapeOf(x) : x, prob);
  return { outputs: [g.op1('Mul', [x, mask], {}, { name: spec.outName })] };
}

/** mask = (U(0,1) < 1-p) · 1/(1-p) in the shape of `like`, seeded with dropoutSeed + the block's index. */
function randomKeepMask(g: GraphBuilder, a: EmitArgs, like: string, prob: number): string {
  const seed = a.ctx.dropoutSeed;
  const u = g.op1(
    'RandomUniformLike',
    [like],
    {
      dtype: 1,
      low: { kind: 'float', value: 0 },
      high: { kind: 'float', value: 1 },
      seed: seed === undefined ? undefined : { kind: 'float', value: seed + a.index },
    },
    { name: 'uniform' },
  );
  const keep = g.op1('Cast', [g.op1('Less', [u, g.constFloat('keep_prob', [1 - prob], [])], {}, { name: 'keep' })], { to: 1 }, { name: 'keep_f' });
  return g.op1('Mul', [keep, g.constFloat('scale', [1 / (1 - prob)], [])], {}, { name: 'mask' });
}
