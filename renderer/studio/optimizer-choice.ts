/**
 * Choosing an optimizer in the Train tab. Each optimizer has its own good learning rate and
 * weight decay (core/train-defaults.ts, the same the CLI uses): a value still at the previous
 * optimizer's default follows the new choice; a value the person typed is theirs and stays.
 */
import type { TrainSettingsInput } from '../../core/api';
import { DEFAULT_LR, DEFAULT_WEIGHT_DECAY } from '../../core/train-defaults';
import type { OptimizerKind } from '../../core/graph/memory';

type Optimizer = TrainSettingsInput['optimizer'];

export const OPTIMIZER_LABEL: Record<Optimizer, string> = { sgd: 'SGD + momentum', adam: 'Adam', adamw: 'AdamW' };

/** The settings patch for switching to `next`. */
export function optimizerChange(s: Pick<TrainSettingsInput, 'optimizer' | 'lr' | 'weightDecay'>, next: Optimizer): Partial<TrainSettingsInput> {
  const patch: Partial<TrainSettingsInput> = { optimizer: next };
  if (s.lr === DEFAULT_LR[s.optimizer]) patch.lr = DEFAULT_LR[next];
  if (s.weightDecay === DEFAULT_WEIGHT_DECAY[s.optimizer]) patch.weightDecay = DEFAULT_WEIGHT_DECAY[next];
  return patch;
}

/** The memory model's name for the trainer's optimizer (its SGD always keeps a momentum buffer). */
export function memoryOptimizer(o: Optimizer): OptimizerKind {
  return o === 'sgd' ? 'sgd-momentum' : o;
}
