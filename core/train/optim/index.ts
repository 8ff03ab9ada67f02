import type { GraphBuilder } from '../../onnx/builder';
import { emitAdam } from './adam';
import { emitSgd } from './sgd';
import { SCALAR_INPUTS, type OptimizerConfig, type StateSlot } from './types';

export * from './types';
export { emitAdam } from './adam';
export { emitSgd } from './sgd';

/** Emits one parameter's update; returns the updated parameter and its state slots. */
export function emitUpdate(g: GraphBuilder, cfg: OptimizerConfig, p: string, grad: string, shape: number[]): { updated: string; state: StateSlot[] } {
  return cfg.kind === 'sgd' ? emitSgd(g, cfg, p, grad, shape) : emitAdam(g, cfg, p, grad, shape);
}

/** The scalar inputs a train-step graph with this optimizer expects. */
export function scalarInputNames(cfg: OptimizerConfig): string[] {
  if (cfg.kind === 'sgd') return [SCALAR_INPUTS.lr];
  const wd = cfg.weightDecay ?? (cfg.kind === 'adamw' ? 1e-2 : 0);
  return cfg.kind === 'adamw' && wd !== 0 ? [SCALAR_INPUTS.stepSize, SCALAR_INPUTS.bc2Sqrt, SCALAR_INPUTS.decay] : [SCALAR_INPUTS.stepSize, SCALAR_INPUTS.bc2Sqrt];
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
