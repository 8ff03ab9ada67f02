import type { GraphBuilder } from '../../onnx/builder';
import { emitAdam } from './adam';
import { emitSgd } from './sgd';
import { SCALAR_INPUTS, type OptimizerConfig, type ScalarValues, type StateSlot } from './types';

export * from './types';
export { emitAdam } from './adam';
export { emitSgd } from './sgd';

/** Emits one parameter's update; returns the updated parameter and its state slots. */
export function emitUpdate(
  g: GraphBuilder,
  cfg: OptimizerConfig,
  p: string,
  grad: string,
  shape: number[],
  scalars: ScalarValues = SCALAR_INPUTS,
): { updated: string; state: StateSlot[] } {
  return cfg.kind === 'sgd' ? emitSgd(g, cfg, p, grad, shape, scalars) : emitAdam(g, cfg, p, grad, shape, scalars);
}

/**
 * The scalars of a parameter group whose learning rate is `scale` times the run's (PyTorch's
 * param_groups with lr = scale * lr): lr and Adam's step size scale linearly, sqrt(1 - b2^t) does
 * not depend on lr, and AdamW's decay 1 - lr wd becomes 1 - scale (1 - decay).
 */
export function scaledScalars(g: GraphBuilder, scale: number, inputs: readonly string[]): ScalarValues {
  const has = new Set(inputs);
  const s = g.constFloat('lr_scale', [scale], []);
  const times = (name: string): string => (has.has(name) ? g.op1('Mul', [name, s], {}, { name: `${name}_scaled` }) : name);
  const one = (): string => g.constFloat('one', [1], []);
  const decay = has.has(SCALAR_INPUTS.decay)
    ? g.op1('Sub', [one(), g.op1('Mul', [g.op1('Sub', [one(), SCALAR_INPUTS.decay]), s])], {}, { name: 'adamw_decay_scaled' })
    : SCALAR_INPUTS.decay;
  return { lr: times(SCALAR_INPUTS.lr), stepSize: times(SCALAR_INPUTS.stepSize), bc2Sqrt: SCALAR_INPUTS.bc2Sqrt, decay };
}

/** The scalar inputs a train-step graph with this optimizer expects. */
export function scalarInputNames(cfg: OptimizerConfig): string[] {
  if (cfg.kind === 'sgd') return [SCALAR_INPUTS.lr];
  const wd = cfg.weightDecay ?? (cfg.kind === 'adamw' ? 1e-2 : 0);
  return cfg.kind === 'adamw' && wd !== 0
    ? [SCALAR_INPUTS.stepSize, SCALAR_INPUTS.bc2Sqrt, SCALAR_INPUTS.decay]
    : [SCALAR_INPUTS.stepSize, SCALAR_INPUTS.bc2Sqrt];
}

/**
 * Host-side values of the scalar inputs for step `step` (1-based, as PyTorch counts) at learning
 * rate `lr`, computed in double precision as PyTorch does before they become float32.
 */
export function optimizerScalars(cfg: OptimizerConfig, lr: number, step: number): Record<string, number> {
  if (step < 1) throw new Error('optimizer steps count from 1');
  if (cfg.kind === 'sgd') return { [SCALAR_INPUTS.lr]: lr };
  const b1 = cfg.beta1 ?? 0.9;
  const b2 = cfg.beta2 ?? 0.999;
  const out: Record<string, number> = {
    [SCALAR_INPUTS.stepSize]: lr / (1 - b1 ** step),
    [SCALAR_INPUTS.bc2Sqrt]: Math.sqrt(1 - b2 ** step),
  };
  const wd = cfg.weightDecay ?? (cfg.kind === 'adamw' ? 1e-2 : 0);
  if (cfg.kind === 'adamw' && wd !== 0) out[SCALAR_INPUTS.decay] = 1 - lr * wd;
  return out;
}
