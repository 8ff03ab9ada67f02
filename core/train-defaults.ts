/**
 * The studio's training defaults, declared once: the trainer (main/trainer/settings.ts), the CLI
 * (main/commands/train.ts: its flags and their help text) and the Train tab
 * (renderer/state/studio.ts) all read them from here. They are the recipe that reached 90.6% on
 * Fashion-MNIST with LeNet-5 in PyTorch: AdamW, one-cycle, random crop (pad 2) and horizontal flip,
 * label smoothing 0 and weight decay 1e-2 (AdamW's own default).
 */
import type { TrainSettingsInput } from './api';
import type { AugmentOptions } from './data/augment';
import { IMAGENET_RESIZED_CROP } from './data/resized-crop';

type Optimizer = TrainSettingsInput['optimizer'];

/** Learning rates that suit each optimizer when none is chosen (one-cycle peaks). */
export const DEFAULT_LR: Readonly<Record<Optimizer, number>> = { sgd: 0.05, adam: 1e-3, adamw: 3e-3 };

/**
 * Weight decay per optimizer: AdamW's own default 1e-2; 5e-4 for SGD (the torchvision CIFAR
 * recipes); 0 for Adam, whose decay is an L2 term scaled by the adaptive rate (use AdamW to decay).
 */
export const DEFAULT_WEIGHT_DECAY: Readonly<Record<Optimizer, number>> = { sgd: 5e-4, adam: 0, adamw: 1e-2 };

/** Crop with 2 pixels of padding and a horizontal flip: what torchvision's CIFAR/MNIST recipes use at small sizes. */
export const DEFAULT_AUGMENT: Readonly<AugmentOptions> = { cropPadding: 2, hflip: true };

/**
 * The augmentation presets a person picks by name (CLI --augment, the Train tab):
 *  - light: DEFAULT_AUGMENT, for small images trained at their own size;
 *  - imagenet: torchvision's ImageNet training transform for photos: RandomResizedCrop (scale
 *    0.08-1, ratio 3/4-4/3) from a storage-resolution cache, horizontal flip, and brightness and
 *    contrast jitter 0.4 (ColorJitter's strengths in torchvision's reference recipes);
 *  - none.
 */
export const AUGMENT_PRESETS = {
  light: DEFAULT_AUGMENT,
  imagenet: { resizedCrop: IMAGENET_RESIZED_CROP, hflip: true, brightness: 0.4, contrast: 0.4 },
  none: null,
} as const satisfies Record<string, Readonly<AugmentOptions> | null>;
export type AugmentPreset = keyof typeof AUGMENT_PRESETS;
export const AUGMENT_PRESET_NAMES = Object.keys(AUGMENT_PRESETS) as AugmentPreset[];

/** The preset a settings object's augmentation is (a hand-written one counts as the nearest: light). */
export function augmentPresetOf(a: Readonly<AugmentOptions> | null): AugmentPreset {
  if (!a) return 'none';
  return a.resizedCrop ? 'imagenet' : 'light';
}

/** The augmentation of a preset's name (true and false: light and none, as earlier versions saved them). */
export function presetAugment(p: AugmentPreset | boolean): AugmentOptions | null {
  const name: AugmentPreset = p === true ? 'light' : p === false ? 'none' : p;
  const a = AUGMENT_PRESETS[name];
  return a ? { ...a } : null;
}

/** Every other setting's default; lr and weight decay follow the optimizer (tables above). */
export const TRAIN_DEFAULTS = {
  epochs: 15,
  batchSize: 64,
  optimizer: 'adamw',
  /** SGD momentum */
  momentum: 0.9,
  schedule: 'onecycle',
  labelSmoothing: 0,
  device: 'auto',
  seed: 0,
  /** epochs without a better validation accuracy before stopping; 0 = never stop early */
  patience: 0,
  /** validation fraction when the data has no val/ or test/ folder */
  valSplit: 0.1,
  resize: 'stretch',
} as const satisfies Omit<TrainSettingsInput, 'lr' | 'weightDecay' | 'augment'> & Record<string, unknown>;

/** The Train tab's settings before the user changes any. */
export const DEFAULT_TRAIN_INPUT: Readonly<TrainSettingsInput> = {
  epochs: TRAIN_DEFAULTS.epochs,
  batchSize: TRAIN_DEFAULTS.batchSize,
  optimizer: TRAIN_DEFAULTS.optimizer,
  lr: DEFAULT_LR[TRAIN_DEFAULTS.optimizer],
  schedule: TRAIN_DEFAULTS.schedule,
  weightDecay: DEFAULT_WEIGHT_DECAY[TRAIN_DEFAULTS.optimizer],
  labelSmoothing: TRAIN_DEFAULTS.labelSmoothing,
  augment: 'light',
  device: TRAIN_DEFAULTS.device,
  valSplit: TRAIN_DEFAULTS.valSplit,
  seed: TRAIN_DEFAULTS.seed,
};
