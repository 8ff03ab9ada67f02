/**
 * The training recipe train.py reproduces: the studio's training settings and preprocessing
 * (main/trainer's TrainSettings + a run's preprocessing), as plain data so core stays pure.
 */
import type { AugmentOptions } from '../data/augment';
import type { ScheduleConfig } from '../train/schedule';

export type ResizePolicy = 'stretch' | 'center-crop' | 'letterbox';

export interface Recipe {
  epochs: number;
  batchSize: number;
  optimizer: 'sgd' | 'adam' | 'adamw';
  lr: number;
  momentum: number;
  weightDecay: number;
  labelSmoothing: number;
  schedule: ScheduleConfig;
  augment: AugmentOptions | null;
  seed: number;
  valSplit: number;
  patience: number;
  resize: ResizePolicy;
  /** Per-channel normalisation in [0, 1] pixel units; null: train.py measures it on the training images, as the studio does. */
  mean: number[] | null;
  std: number[] | null;
  /** Class folder names in output order, when known (a run folder). */
  classes: string[] | null;
}
