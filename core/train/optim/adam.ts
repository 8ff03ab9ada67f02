import type { GraphBuilder } from '../../onnx/builder';
import { updateView } from './flat';
import { SCALAR_INPUTS, type AdamConfig, type ScalarValues, type StateSlot } from './types';

/**
 * torch.optim.Adam / AdamW (single-tensor path), per parameter p with gradient g at step t >= 1:
 *   AdamW: p = p * (1 - lr * wd)                (fed as `adamw_decay`)
 *   Adam:  g = g + wd * p
 *   m = b1 * m + (1 - b1) * g
 *   v = b2 * v + (1 - b2) * g^2
 *   p = p - step_size * m / (sqrt(v) / sqrt(1 - b2^t) + eps),   step_size = lr / (1 - b1^t)
 * step_size and sqrt(1 - b2^t) are scalar inputs computed by the host each step (optimizerScalars).
 */
export function emitAdam(
  g: GraphBuilder,
  cfg: AdamConfig,
  p: string,
  grad: string,
  shape: number[],
  scalars: ScalarValues = SCALAR_INPUTS,
): { updated: string; state: StateSlot[] } {
  const b1 = cfg.beta1 ?? 0.9;
  const b2 = cfg.beta2 ?? 0.999;
  const eps = cfg.eps ?? 1e-8;
  const decoupled = cfg.kind === 'adamw';
  const wd = cfg.weightDecay ?? (decoupled ? 1e-2 : 0);
  return g.withScope(`${cfg.kind}/${p}`, () => {
    const view = updateView(g, shape);
    const p1 = view.flat(p);
    let param = p1;
    let d = view.flat(grad);
    if (decoupled && wd !== 0) param = g.op1('Mul', [p1, scalars.decay]);
    if (!decoupled && wd !== 0) d = g.op1('Add', [d, g.op1('Mul', [p1, g.constFloat('wd', [wd], [])])]);
    const mIn = `${p}.exp_avg`;
    const vIn = `${p}.exp_avg_sq`;
    const m = g.op1('Add', [g.op1('Mul', [view.flat(mIn), g.constFloat('b1', [b1], [])]), g.op1('Mul', [d, g.constFloat('one_minus_b1', [1 - b1], [])])]);
    const v = g.op1('Add', [
      g.op1('Mul', [view.flat(vIn), g.constFloat('b2', [b2], [])]),
      g.op1('Mul', [g.op1('Mul', [d, d]), g.constFloat('one_minus_b2', [1 - b2], [])]),
    ]);
    const denom = g.op1('Add', [g.op1('Div', [g.op1('Sqrt', [v]), scalars.bc2Sqrt]), g.constFloat('eps', [eps], [])]);
    const updated = view.shaped(g.op1('Sub', [param, g.op1('Mul', [g.op1('Div', [m, denom]), scalars.stepSize])]));
    return {
      updated,
      state: [
        { name: mIn, updated: view.shaped(m), shape },
        { name: vIn, updated: view.shaped(v), shape },
      ],
    };
  });
}
