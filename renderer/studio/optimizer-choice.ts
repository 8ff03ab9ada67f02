/**
 * Choosing an optimizer in the Train tab. Each optimizer has its own good learning rate
 * (DEFAULT_LR, the same the CLI uses): a rate still at the previous optimizer's default follows
 * the new choice; a rate the person typed is theirs and stays.
 */
import { DEFAULT_LR, type TrainSettingsInput } from '../../core/api';
import type { OptimizerKind } from '../../core/graph/memory';

type Optimizer = TrainSettingsInput['optimizer'];

export const OPTIMIZER_LABEL: Record<Optimizer, string> = { sgd: 'SGD + momentum', adam: 'Adam', adamw: 'AdamW' };

/** The settings patch for switching to `next`. */
export function optimizerChange(s: Pick<TrainSettingsInput, 'optimizer' | 'lr'>, next: Optimizer): Partial<TrainSettingsInput> {
  return s.lr === DEFAULT_LR[s.optimizer] ? { optimizer: next, lr: DEFAULT_LR[next] } : { optimizer: next };
}

/** The memory model's name for the trainer's optimizer (its SGD always keeps a momentum buffer). */
export function memoryOptimizer(o: Optimizer): OptimizerKind {
  return o === 'sgd' ? 'sgd-momentum' : o;
}
