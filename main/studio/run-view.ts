/**
 * RunView: what the training panel shows of a run, built from run.json (finished or earlier runs)
 * or kept up to date from the live run's events.
 */
import { augmentPresetOf, presetAugment } from '../../core/train-defaults';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { RunView, TrainSettingsInput } from '../../core/api';
import { DEFAULT_SETTINGS } from '../trainer/settings';
import type { RunJson } from '../trainer/run-folder';
import type { TrainSettings } from '../trainer/types';

/** The panel's settings from the trainer's full ones (a run started by the CLI reads the same). */
export function panelSettings(s: TrainSettings): TrainSettingsInput {
  return {
    epochs: s.epochs,
    batchSize: s.batchSize,
    optimizer: s.optimizer,
    lr: s.lr,
    schedule: s.schedule.kind,
    weightDecay: s.weightDecay,
    labelSmoothing: s.labelSmoothing,
    augment: augmentPresetOf(s.augment),
    device: s.device,
    valSplit: s.valSplit,
    seed: s.seed,
    ...(s.freeze !== undefined ? { freeze: s.freeze } : {}),
    ...(s.phase2Epochs !== undefined ? { phase2Epochs: s.phase2Epochs } : {}),
    ...(s.phase2Unfreeze !== undefined ? { phase2Unfreeze: s.phase2Unfreeze } : {}),
    ...(s.phase2LrScale !== undefined ? { phase2LrScale: s.phase2LrScale } : {}),
  };
}

/** The trainer's settings from the panel's: what the panel does not set keeps the studio default. */
export function trainerSettings(p: TrainSettingsInput): TrainSettings {
  return {
    ...DEFAULT_SETTINGS,
    epochs: p.epochs,
    batchSize: p.batchSize,
    optimizer: p.optimizer,
    lr: p.lr,
    schedule: { kind: p.schedule },
    weightDecay: p.weightDecay,
    labelSmoothing: p.labelSmoothing,
    augment: presetAugment(p.augment),
    device: p.device,
    valSplit: p.valSplit,
    seed: p.seed,
    ...(p.freeze !== undefined ? { freeze: p.freeze } : {}),
    ...(p.phase2Epochs !== undefined ? { phase2Epochs: p.phase2Epochs } : {}),
    ...(p.phase2Unfreeze !== undefined ? { phase2Unfreeze: p.phase2Unfreeze } : {}),
    ...(p.phase2LrScale !== undefined ? { phase2LrScale: p.phase2LrScale } : {}),
  };
}

export function emptyView(id: string, runDir: string, dataDir: string, settings: TrainSettingsInput): RunView {
  return {
    id,
    name: id,
    dir: path.resolve(runDir),
    status: 'starting',
    createdAt: new Date().toISOString(),
    dataDir,
    settings,
    device: null,
    classes: [],
    trainSamples: 0,
    valSamples: 0,
    epochs: settings.epochs,
    history: [],
    progress: null,
    bestEpoch: null,
    bestValAccuracy: null,
    hasModel: false,
    error: null,
    log: [],
  };
}

export function viewFromRunJson(id: string, runDir: string, r: RunJson): RunView {
  const counts = r.data.counts;
  const sum = (k: string): number => (counts[k] ?? []).reduce((a, b) => a + b, 0);
  return {
    id,
    name: id,
    dir: path.resolve(runDir),
    // A run.json still saying "running" with no live run belongs to a process that ended.
    status: r.status === 'running' ? 'failed' : r.status,
    createdAt: r.createdAt,
    dataDir: r.data.root,
    settings: panelSettings(r.settings),
    device: r.device.used,
    classes: r.data.classes,
    trainSamples: sum('train'),
    valSamples: sum('val'),
    epochs: r.settings.epochs,
    history: r.history.map((h) => ({
      epoch: h.epoch,
      trainLoss: h.trainLoss,
      trainAccuracy: h.trainAccuracy,
      valLoss: h.valLoss,
      valAccuracy: h.valAccuracy,
      lr: h.lr,
      seconds: h.seconds,
      imagesPerSecond: h.imagesPerSecond,
    })),
    progress: null,
    bestEpoch: r.best.epoch > 0 ? r.best.epoch : null,
    bestValAccuracy: r.best.valAccuracy,
    hasModel: existsSync(path.join(runDir, 'model.onnx')),
    error: r.status === 'running' ? 'the studio stopped while this run was training' : r.error,
    log: [],
  };
}
