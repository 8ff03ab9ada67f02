/**
 * Training memory estimate, in bytes (float32):
 *   weights (parameters + buffers) + gradients (trainable parameters)
 *   + optimizer state (SGD none, SGD with momentum 1, Adam/AdamW 2 per trainable parameter)
 *   + activations kept for backward: every layer's output for the whole batch, and as much again
 *     for their gradients during the backward pass (the peak holds roughly both).
 * An estimate for planning (does it fit my GPU?), not an allocator trace.
 */
import type { Analysis } from './analyze';

export type OptimizerKind = 'sgd' | 'sgd-momentum' | 'adam' | 'adamw';

export interface TrainingMemory {
  weights: number;
  gradients: number;
  optimizerState: number;
  activations: number;
  total: number;
}

const STATE_PER_PARAM: Record<OptimizerKind, number> = { sgd: 0, 'sgd-momentum': 1, adam: 2, adamw: 2 };

export function trainingMemory(a: Pick<Analysis, 'totals'>, opts: { batchSize: number; optimizer: OptimizerKind }): TrainingMemory {
  const t = a.totals;
  const weights = (t.params + t.buffers) * 4;
  const gradients = t.trainableParams * 4;
  const optimizerState = t.trainableParams * 4 * STATE_PER_PARAM[opts.optimizer];
  const activations = t.activationBytes * opts.batchSize * 2;
  return { weights, gradients, optimizerState, activations, total: weights + gradients + optimizerState + activations };
}
