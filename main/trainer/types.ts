/**
 * The trainer's public shapes: what a caller (CLI, backend, UI) passes to start a run and the
 * events it receives. Everything here is plain JSON so it crosses worker and IPC boundaries as is.
 */
import { OPTIMIZERS, TRAIN_DEVICES, type RunEpoch } from '../../core/api';
import type { ScheduleConfig } from '../../core/train/schedule';
import type { EvalMetrics } from '../../core/train/metrics';
import type { AugmentOptions } from '../../core/data/augment';
import type { ResizePolicy } from '../data/decode';
import type { FileIssue } from '../data/errors';

/** The device and optimizer lists are core's (core/api.ts), shared with the Train tab. */
export const DEVICE_CHOICES = TRAIN_DEVICES;
export type DeviceChoice = (typeof DEVICE_CHOICES)[number];
export type TrainDevice = Exclude<DeviceChoice, 'auto'>;

export const OPTIMIZER_CHOICES = OPTIMIZERS;
export type OptimizerChoice = (typeof OPTIMIZER_CHOICES)[number];

/** A project document as stored in a project file (core/graph/project's Project, serialised). */
export interface ProjectJson {
  name: string;
  model: unknown;
  extra?: Record<string, unknown>;
}

export interface TrainSettings {
  epochs: number;
  batchSize: number;
  optimizer: OptimizerChoice;
  lr: number;
  /** SGD momentum (default 0.9) */
  momentum: number;
  schedule: ScheduleConfig;
  weightDecay: number;
  labelSmoothing: number;
  /** null: no augmentation */
  augment: AugmentOptions | null;
  device: DeviceChoice;
  seed: number;
  /** stop when validation accuracy has not improved for this many epochs; 0 = never */
  patience: number;
  /** fraction held out for validation when the data has no val/ or test/ folder */
  valSplit: number;
  resize: ResizePolicy;
  /** 'none', 'backbone' or a block name (frozen up to and including it); absent: the project's own frozen blocks */
  freeze?: string;
  /** the run's last N epochs are phase 2 (main/trainer/finetune.ts); 0 or absent: one phase */
  phase2Epochs?: number;
  /** phase 2 trains the blocks from this one on (default: the last frozen block with parameters) */
  phase2Unfreeze?: string;
  /** phase 2's learning-rate multiplier for the unfrozen blocks (default 0.1) */
  phase2LrScale?: number;
  /** bound of the cached backbone features in MiB (default 1024); past it the backbone runs every step */
  featureCacheMb?: number;
}

export interface TrainOptions {
  /** the project document (read from its file by the caller) */
  project: ProjectJson;
  /** file the project came from, recorded in run.json */
  projectPath?: string;
  dataDir: string;
  /** images (paths relative to dataDir) left out of this run besides the dataset's exclusion list (the data doctor's folds) */
  exclude?: readonly string[];
  outDir: string;
  settings: TrainSettings;
  /**
   * checkpoint whose tensors start the run (matched by name and size; the rest start fresh).
   * Default: the checkpoint the project names in `extra.weights` (written by an ONNX import).
   */
  initialWeights?: string;
  /** ignore the project's checkpoint and start from random initialisation */
  fromScratch?: boolean;
  /** continue the run in outDir from its last checkpoint (settings then come from run.json) */
  resume?: boolean;
  /** start over when outDir already holds a run: its run.json, checkpoints and model.onnx are removed first */
  overwrite?: boolean;
  /** decode cache folder (default: the per-user cache) */
  cacheDir?: string;
  /** onnxruntime intra-op threads (default: physical cores) */
  threads?: number;
  /** at most this many misclassified samples kept in run.json (default 1000) */
  maxMisclassified?: number;
  /** progress events at most this often, in ms (default 250; 0 = every step) */
  progressIntervalMs?: number;
}

/** One epoch's figures as the UI shows them (core/api.ts RunEpoch: `seconds` is the wall time of its training steps), plus: */
export interface EpochRecord extends RunEpoch {
  /** wall time of the validation pass */
  evalSeconds: number;
}

export interface CheckpointPaths {
  runDir: string;
  last: string;
  best: string;
  model: string;
  runJson: string;
}

export type TrainEvent =
  | { type: 'log'; level: 'info' | 'warn'; message: string }
  | { type: 'data'; done: number; total: number; decoded: number; failed: number; imagesPerSecond: number | null; etaSeconds: number | null }
  | {
      type: 'start';
      runDir: string;
      device: TrainDevice;
      classes: string[];
      trainSamples: number;
      valSamples: number;
      stepsPerEpoch: number;
      epochs: number;
      /** first epoch this process runs (1-based); > 1 when resuming */
      startEpoch: number;
      /** images decoded per second when the decode cache was filled (null: all from the cache) */
      decodeImagesPerSecond: number | null;
    }
  | { type: 'progress'; epoch: number; step: number; stepsPerEpoch: number; loss: number; lr: number; imagesPerSecond: number; etaSeconds: number }
  | ({ type: 'epoch'; epochs: number; best: boolean } & EpochRecord)
  | { type: 'checkpoint'; kind: 'last' | 'best'; path: string; epoch: number }
  | { type: 'paused' }
  | { type: 'resumed' }
  | {
      type: 'done';
      runDir: string;
      epochs: number;
      stoppedEarly: boolean;
      bestEpoch: number;
      bestValAccuracy: number | null;
      checkpoints: { last: string; best: string; model: string | null; runJson: string };
      /** files skipped as unreadable */
      corrupt: FileIssue[];
    }
  | { type: 'cancelled'; epoch: number; checkpoints: { last: string | null; runJson: string } }
  | { type: 'failed'; code: string; message: string };

export type TrainEventType = TrainEvent['type'];

export interface TrainSummary {
  status: 'done' | 'cancelled' | 'failed';
  event: TrainEvent;
}

export type { EvalMetrics };
