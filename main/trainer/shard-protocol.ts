/**
 * What the coordinator of a data-parallel step (sharded-session.ts) and its helper threads
 * (shard-worker.ts) share: the layout of the SharedArrayBuffer and the control words.
 */

/** Where one tensor lives in the shared buffer. */
export interface SharedSlot {
  name: string;
  dtype: 'float32' | 'int64';
  dims: number[];
  /** Byte offset in the shared buffer (8-byte aligned). */
  offset: number;
}

export interface ShardWorkerData {
  ortPath: string;
  /** The shard gradient model, encoded (NCHWc lowering already applied). */
  model: Uint8Array;
  spinning: boolean;
  buffer: SharedArrayBuffer;
  inputs: SharedSlot[];
  outputs: SharedSlot[];
}

/** Messages a helper thread posts to the coordinator. */
export interface ShardWorkerMessage {
  ready?: boolean;
  stopped?: boolean;
  error?: string;
  /** The session could not be created: the helper never runs a step. */
  fatal?: boolean;
}

/** Control words (Int32Array over the first 16 bytes of the buffer). */
export const CONTROL = {
  /** Step counter the coordinator raises to ask for a run; -1 asks the worker to stop. */
  request: 0,
  /** Step counter the worker sets when that run's outputs are in place. */
  done: 1,
  /** 0, or 1 once a run failed (the error message follows by postMessage). */
  failed: 2,
  bytes: 16,
} as const;
