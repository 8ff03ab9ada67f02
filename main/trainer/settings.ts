/**
 * Training settings: the trainer's full defaults and their validation. The default values are
 * declared in core/train-defaults.ts (shared with the CLI and the Train tab); this file shapes them
 * into a TrainSettings.
 */
import { validateSchedule, SCHEDULE_KINDS, type ScheduleKind } from '../../core/train/schedule';
import { validateAugment, type AugmentOptions } from '../../core/data/augment';
import { DEFAULT_AUGMENT as CORE_DEFAULT_AUGMENT, DEFAULT_LR, DEFAULT_WEIGHT_DECAY, TRAIN_DEFAULTS } from '../../core/train-defaults';
import { RESIZE_POLICIES } from '../data/decode';
import { DEVICE_CHOICES, OPTIMIZER_CHOICES, type TrainSettings } from './types';
import { TrainError } from './run-folder';
import { cropPolicyConflict } from './data-spec';
import { validateFineTune } from './finetune';

/** core's default augmentation (a fresh object, so a run's settings never share it). */
export const DEFAULT_AUGMENT: AugmentOptions = { ...CORE_DEFAULT_AUGMENT };

export const DEFAULT_SETTINGS: TrainSettings = {
  epochs: TRAIN_DEFAULTS.epochs,
  batchSize: TRAIN_DEFAULTS.batchSize,
  optimizer: TRAIN_DEFAULTS.optimizer,
  lr: DEFAULT_LR[TRAIN_DEFAULTS.optimizer],
  momentum: TRAIN_DEFAULTS.momentum,
  schedule: { kind: TRAIN_DEFAULTS.schedule },
  weightDecay: DEFAULT_WEIGHT_DECAY[TRAIN_DEFAULTS.optimizer],
  labelSmoothing: TRAIN_DEFAULTS.labelSmoothing,
  augment: DEFAULT_AUGMENT,
  device: TRAIN_DEFAULTS.device,
  seed: TRAIN_DEFAULTS.seed,
  patience: TRAIN_DEFAULTS.patience,
  valSplit: TRAIN_DEFAULTS.valSplit,
  resize: TRAIN_DEFAULTS.resize,
};

export function withDefaults(partial: Partial<TrainSettings>): TrainSettings {
  const s: TrainSettings = { ...DEFAULT_SETTINGS };
  for (const [k, v] of Object.entries(partial) as Array<[keyof TrainSettings, unknown]>) if (v !== undefined) (s as unknown as Record<string, unknown>)[k] = v;
  return s;
}

export function scheduleKind(name: string): ScheduleKind {
  if (!(SCHEDULE_KINDS as readonly string[]).includes(name))
    throw new TrainError('bad-settings', `--schedule must be one of ${SCHEDULE_KINDS.join(', ')}, got "${name}"`);
  return name as ScheduleKind;
}

/** Throws TrainError('bad-settings') naming the first bad setting. */
export function validateSettings(s: TrainSettings): void {
  const bad = (m: string): never => {
    throw new TrainError('bad-settings', m);
  };
  if (!(Number.isInteger(s.epochs) && s.epochs >= 1)) bad(`epochs must be a whole number >= 1, got ${s.epochs}`);
  if (!(Number.isInteger(s.batchSize) && s.batchSize >= 1)) bad(`batch size must be a whole number >= 1, got ${s.batchSize}`);
  if (!(OPTIMIZER_CHOICES as readonly string[]).includes(s.optimizer)) bad(`optimizer must be one of ${OPTIMIZER_CHOICES.join(', ')}, got "${s.optimizer}"`);
  if (!(s.lr > 0 && Number.isFinite(s.lr))) bad(`learning rate must be a positive number, got ${s.lr}`);
  if (!(s.momentum >= 0 && s.momentum < 1)) bad(`momentum must be in [0, 1), got ${s.momentum}`);
  if (!(s.weightDecay >= 0 && Number.isFinite(s.weightDecay))) bad(`weight decay must be >= 0, got ${s.weightDecay}`);
  if (!(s.labelSmoothing >= 0 && s.labelSmoothing < 1)) bad(`label smoothing must be in [0, 1), got ${s.labelSmoothing}`);
  if (!(DEVICE_CHOICES as readonly string[]).includes(s.device)) bad(`device must be one of ${DEVICE_CHOICES.join(', ')}, got "${s.device}"`);
  if (!Number.isSafeInteger(s.seed) || s.seed < 0) bad(`seed must be a whole number >= 0, got ${s.seed}`);
  if (!(Number.isInteger(s.patience) && s.patience >= 0)) bad(`patience must be a whole number >= 0, got ${s.patience}`);
  if (!(s.valSplit >= 0 && s.valSplit < 1)) bad(`validation split must be in [0, 1), got ${s.valSplit}`);
  if (!RESIZE_POLICIES.includes(s.resize)) bad(`resize must be one of ${RESIZE_POLICIES.join(', ')}, got "${s.resize}"`);
  validateFineTune(s);
  const sched = validateSchedule(s.schedule);
  if (sched) bad(sched);
  if (s.augment) {
    const a = validateAugment(s.augment);
    if (a) bad(a);
  }
  const crop = cropPolicyConflict(s);
  if (crop) bad(crop);
}
