/**
 * What crosses the trainer host boundary (a worker thread, a child process or Electron's utility
 * process): a job in, controls in, events or a result out. The job runs either a training run or an
 * evaluation (both run onnxruntime sessions, whose `run` blocks the thread it is called on).
 * Every message is structured-cloned (worker postMessage, fork's 'advanced' serialization,
 * Electron's MessagePort), so NaN losses and typed arrays arrive as sent.
 */
import type { EvalOptions, EvalReport } from './eval-run';
import type { TrainEvent, TrainOptions } from './types';

export type WorkerInit = { job?: 'train'; options: TrainOptions } | { job: 'evaluate'; target: string; dataDir: string; options: EvalOptions };

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
  | { kind: 'error'; code: string | null; message: string };
