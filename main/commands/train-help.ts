/**
 * The help text of `cnn-studio train`'s setting flags, written from the defaults in
 * core/train-defaults.ts and the choice lists, so `--help` cannot drift from what a run uses.
 */
import { DEFAULT_AUGMENT, DEFAULT_LR, DEFAULT_WEIGHT_DECAY, TRAIN_DEFAULTS } from '../../core/train-defaults';
import { SCHEDULE_KINDS } from '../../core/train/schedule';
import { RESIZE_POLICIES } from '../data/decode';
import { DEVICE_CHOICES, OPTIMIZER_CHOICES } from '../trainer/types';

/** A hyperparameter as people write it: 3e-3 and 5e-4, but 0.05 and 0.1. */
export function hyperparameter(n: number): string {
  return n > 0 && n < 0.05 ? n.toExponential() : String(n);
}

/** "adamw 3e-3, sgd 0.05, adam 1e-3": the default optimizer's value first. */
function perOptimizer(table: Readonly<Record<(typeof OPTIMIZER_CHOICES)[number], number>>): string {
  const order = [TRAIN_DEFAULTS.optimizer, ...OPTIMIZER_CHOICES.filter((o) => o !== TRAIN_DEFAULTS.optimizer)];
  return order.map((o) => `${o} ${hyperparameter(table[o])}`).join(', ');
}

const choices = (options: readonly string[], fallback: string): string => `${options.join(' | ')} (default ${fallback})`;

/** Help for each setting flag, keyed by the flag. */
export const TRAIN_FLAG_HELP = {
  epochs: `epochs (default ${TRAIN_DEFAULTS.epochs})`,
  batch: `batch size (default ${TRAIN_DEFAULTS.batchSize})`,
  optimizer: choices(OPTIMIZER_CHOICES, TRAIN_DEFAULTS.optimizer),
  lr: `learning rate, the peak for one-cycle (default: ${perOptimizer(DEFAULT_LR)})`,
  schedule: choices(SCHEDULE_KINDS, TRAIN_DEFAULTS.schedule),
  weightDecay: `weight decay (default: ${perOptimizer(DEFAULT_WEIGHT_DECAY)})`,
  labelSmoothing: `label smoothing in [0, 1) (default ${TRAIN_DEFAULTS.labelSmoothing})`,
  augment: `light (default: random crop, pad ${DEFAULT_AUGMENT.cropPadding ?? 0}, + horizontal flip) | imagenet (photos: RandomResizedCrop from a larger stored copy, flip, colour jitter) | none`,
  device: choices(DEVICE_CHOICES, TRAIN_DEFAULTS.device),
  seed: `seed: the same seed gives the same run (default ${TRAIN_DEFAULTS.seed})`,
  valSplit: `validation fraction when DIR has no val/ or test/ (default ${TRAIN_DEFAULTS.valSplit})`,
  patience: `early stopping: epochs without a better validation accuracy (default ${TRAIN_DEFAULTS.patience}${TRAIN_DEFAULTS.patience === 0 ? ': off' : ''})`,
  resize: choices(RESIZE_POLICIES, TRAIN_DEFAULTS.resize),
} as const;
