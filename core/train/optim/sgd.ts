import type { GraphBuilder } from '../../onnx/builder';
import { updateView } from './flat';
import { SCALAR_INPUTS, type ScalarValues, type SgdConfig, type StateSlot } from './types';

/**
 * torch.optim.SGD, per parameter p with gradient g:
 *   g   = g + wd * p                          (weight decay, before momentum)
 *   buf = momentum * buf + g                  (dampening 0; the first step's buf = g follows from
 *                                              a zero-initialised buffer: 0 * momentum + g == g exactly)
 *   g   = nesterov ? g + momentum * buf : buf
 *   p   = p - lr * g                          (lr fed per step as the scalar input `lr`)
 */
export function emitSgd(
  g: GraphBuilder,
  cfg: SgdConfig,
  p: string,
  grad: string,
  shape: number[],
  scalars: ScalarValues = SCALAR_INPUTS,
): { updated: string; state: StateSlot[] } {
  const mom = cfg.momentum ?? 0;
  const wd = cfg.weightDecay ?? 0;
  if ((cfg.dampening ?? 0) !== 0) throw new Error('SGD dampening other than 0 is not supported in the training graph');
  if (cfg.nesterov && mom <= 0) throw new Error('Nesterov momentum requires a momentum > 0 (as in PyTorch)');
  return g.withScope(`sgd/${p}`, () => {
    const view = updateView(g, shape);
    const param = view.flat(p);
    let d = view.flat(grad);
    if (wd !== 0) d = g.op1('Add', [d, g.op1('Mul', [param, g.constFloat('wd', [wd], [])])]);
    const state: StateSlot[] = [];
    if (mom !== 0) {
      const bufIn = `${p}.momentum_buffer`;
      const momC = g.constFloat('momentum', [mom], []);
      const buf = g.op1('Add', [g.op1('Mul', [view.flat(bufIn), momC]), d]);
      state.push({ name: bufIn, updated: view.shaped(buf), shape });
      d = cfg.nesterov ? g.op1('Add', [d, g.op1('Mul', [buf, momC])]) : buf;
    }
    const updated = view.shaped(g.op1('Sub', [param, g.op1('Mul', [d, scalars.lr])]));
    return { updated, state };
  });
}
