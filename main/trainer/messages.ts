/** What crosses the worker boundary: options in (workerData), controls in, events out. */
import type { TrainEvent, TrainOptions } from './types';

export interface WorkerInit {
  options: TrainOptions;
}

export type ControlMessage = { type: 'pause' } | { type: 'resume' } | { type: 'cancel' };

export type WorkerMessage = { kind: 'event'; event: TrainEvent } | { kind: 'finished' };
