/**
 * Training settings: the studio's defaults and their validation. The defaults are the recipe that
 * reached 90.6% on Fashion-MNIST with LeNet-5 in PyTorch: AdamW, one-cycle, random crop (pad 2)
 * and horizontal flip, label smoothing 0 and weight decay 1e-2 (AdamW's own default).
 */
import { validateSchedule, SCHEDULE_KINDS, type ScheduleKind } from '../../core/train/schedule';
import { validateAugment, type AugmentOptions } from '../../core/data/augment';
import { RESIZE_POLICIES } from '../data/decode';
import { DEVICE_CHOICES, OPTIMIZER_CHOICES, type TrainSettings } from './types';
import { TrainError } from './run-folder';

/** Crop with 2 pixels of padding and a horizontal flip: what torchvision's CIFAR/MNIST recipes use at small sizes. */
export const DEFAULT_AUGMENT: AugmentOptions = { cropPadding: 2, hflip: true };

export const DEFAULT_SETTINGS: TrainSettings = {
  epochs: 15,
  batchSize: 64,
  optimizer: 'adamw',
  lr: 3e-3,
  momentum: 0.9,
  schedule: { kind: 'onecycle' },
  weightDecay: 1e-2,
  labelSmoothing: 0,
  augment: DEFAULT_AUGMENT,
  device: 'auto',
  seed: 0,
  patience: 0,
  valSplit: 0.1,
  resize: 'stretch',
};

export function withDefaults(partial: Partial<TrainSettings>): TrainSettings {
  const s: TrainSettings = { ...DEFAULT_SETTINGS };
  for (const [k, v] of Object.entries(partial) as Array<[keyof TrainSettings, unknown]>) if (v !== undefined) (s as unknown as Record<string, unknown>)[k] = v;
  return s;
}

export function scheduleKind(name: string): ScheduleKind {
  if (!(SCHEDULE_KINDS as readonly string[]).includes(name)) throw new TrainError('bad-settings', `--schedule must be one of ${SCHEDULE_KINDS.join(', ')}, got "${name}"`);
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
  const sched = validateSchedule(s.schedule);
  if (sched) bad(sched);
  if (s.augment) {
    const a = validateAugment(s.augment);
    if (a) bad(a);
  }
}
