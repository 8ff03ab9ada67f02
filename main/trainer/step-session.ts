/**
 * What a TrainStepRunner runs one training step on. Three implementations:
 * - PlainStepSession (here): one onnxruntime session over the whole step graph;
 * - ShardedSession (sharded-session.ts): the batch split into shards on helper threads (CPU);
 * - ResidentSession (resident-session.ts): weights and optimizer state kept on the GPU (WebGPU).
 * Each takes the step graph's feeds and returns its outputs under the same names, so the runner,
 * checkpoints and resume do not know which one runs.
 */
import type * as ort from 'onnxruntime-node';

export type StepFeeds = Record<string, ort.Tensor>;
export type StepOutputs = Record<string, ort.Tensor>;

/** The runner's host copies of the carried tensors (weights; optimizer and running state). */
export interface HostTensors {
  readonly weights: Map<string, Float32Array>;
  readonly state: Map<string, Float32Array>;
}

export interface StepSession {
  /** 'plain' | 'sharded' | 'resident': for logs and tests. */
  readonly kind: 'plain' | 'sharded' | 'resident';
  run(feeds: StepFeeds): Promise<StepOutputs>;
  /** Before the host maps are read (validation, checkpoints): copy values held elsewhere into them. */
  syncToHost(host: HostTensors): Promise<void>;
  /** Forget values held elsewhere: the next step feeds the host's again (after a self-test step). */
  reset(): void;
  release(): Promise<void>;
}

/** One onnxruntime session over the whole step graph; every tensor lives on the host. */
export class PlainStepSession implements StepSession {
  readonly kind = 'plain';

  constructor(readonly session: ort.InferenceSession) {}

  async run(feeds: StepFeeds): Promise<StepOutputs> {
    return this.session.run(feeds);
  }

  async syncToHost(): Promise<void> {
    // Nothing to copy: the host maps hold the outputs of the last step.
  }

  reset(): void {
    // Nothing is held between steps.
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

/** A StepSession as is; a bare onnxruntime session (tests, reference self-test) wrapped as a plain one. */
export function toStepSession(s: StepSession | ort.InferenceSession): StepSession {
  return 'syncToHost' in s ? s : new PlainStepSession(s);
}
