/**
 * What crosses the worker boundary: a job in (workerData), controls in, events or a result out.
 * The worker runs either a training run or an evaluation (both run onnxruntime sessions, whose
 * `run` blocks the thread it is called on).
 */
import type { EvalOptions, EvalReport } from './eval-run';
import type { TrainEvent, TrainOptions } from './types';

export type WorkerInit =
  | { job?: 'train'; options: TrainOptions }
  | { job: 'evaluate'; target: string; dataDir: string; options: EvalOptions };

export type ControlMessage = { type: 'pause' } | { type: 'resume' } | { type: 'cancel' };

export type WorkerMessage =
  | { kind: 'event'; event: TrainEvent }
  | { kind: 'finished' }
  | { kind: 'result'; report: EvalReport }
  | { kind: 'error'; code: string | null; message: string };
