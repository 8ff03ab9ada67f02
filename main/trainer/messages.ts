/**
 * What crosses the trainer host boundary (a worker thread, a child process or Electron's utility
 * process): a job in, controls in, events or a result out. The job runs a training run, an
 * evaluation or a learning-rate sweep (all run onnxruntime sessions, whose `run` blocks the thread
 * it is called on).
 * Every message is structured-cloned (worker postMessage, fork's 'advanced' serialization,
 * Electron's MessagePort), so NaN losses and typed arrays arrive as sent.
 */
import type { LrPoint } from '../../core/train/lr-finder';
import type { EvalOptions, EvalReport } from './eval-run';
import type { LrFindJob, LrFindResult } from './lr-find';
import type { TrainEvent, TrainOptions } from './types';

export type WorkerInit =
  | { job?: 'train'; options: TrainOptions }
  | { job: 'evaluate'; target: string; dataDir: string; options: EvalOptions }
  | { job: 'lr-find'; options: LrFindJob };

export type ControlMessage = { type: 'pause' } | { type: 'resume' } | { type: 'cancel' };

/**
 * Parent to worker entry. A worker thread gets its job as workerData; a process gets it as its
 * first message, because a job (a whole project) can exceed what a command line may carry.
 */
export type ParentMessage = ControlMessage | { type: 'init'; init: WorkerInit };

export type WorkerMessage =
  | { kind: 'event'; event: TrainEvent }
  | { kind: 'finished' }
  | { kind: 'result'; report: EvalReport }
  | { kind: 'lr-point'; point: LrPoint; step: number; steps: number }
  | { kind: 'lr-result'; result: LrFindResult }
  | { kind: 'error'; code: string | null; message: string };

/** The code an error message carries for a DatasetError (a problem with the image folder), which has none of its own. */
export const DATASET_ERROR_CODE = 'dataset';
