/**
 * The trainer's public API, for the CLI, the backend and the UI's host:
 *   startTraining(options) -> TrainingRun   (events, pause/resume/cancel, finished)
 *   evaluateModel(runDir | model.onnx, dataDir) -> EvalReport
 *   readRunJson(runDir), readCheckpoint(file)  (run folders and checkpoints on disk)
 */
export { startTraining, defaultWorkerScript, type TrainingRun, type StartOptions, type TrainListener } from './start';
export { runTraining } from './loop';
export { evaluateModel, type EvalReport, type EvalOptions } from './eval-run';
export { readRunJson, runPaths, TrainError, type RunJson, type Preprocessing } from './run-folder';
export { readCheckpoint, writeCheckpoint, type Checkpoint } from './checkpoint';
export { DEFAULT_SETTINGS, DEFAULT_AUGMENT, withDefaults, validateSettings } from './settings';
export { resolveDevice } from './device';
export * from './types';
