/**
 * Whether a CPU training run splits each batch into data-parallel shards (sharded-session.ts).
 * Measured here (2 cores, bench/train-results.md): LeNet-5 at batch 64 takes 3.3-4.1 ms per step
 * as two single-threaded shards vs 5.4-7.5 ms on one session with 2 intra-op threads. On models with
 * tens of millions of parameters the per-step copies of weights, optimizer state and gradients
 * (several passes over every parameter) outweigh the gain: AlexNet 3x64x64 590-1114 vs 316-330 ms,
 * VGG16 3x32x32 1846-1997 vs 532-637 ms. Hence a parameter limit, and only with >= 2 threads.
 * CNN_STUDIO_DATA_PARALLEL=0 turns it off; =1 lifts the parameter limit (exactness rules still apply).
 */
import { readConfig, type Env } from '../config';
import type { DataParallelStep } from '../../core/train/data-parallel';
import type { TrainStepGraph } from '../../core/train/build-train-step';

/** Trained parameters up to which shards pay off (LeNet-5: 61,706; AlexNet: 57M). */
export const DATA_PARALLEL_MAX_PARAMS = 1_000_000;

export interface DataParallelChoice {
  plan: DataParallelStep | null;
  /** For the log: how the step runs and why. */
  note: string;
}

export function chooseDataParallel(
  step: TrainStepGraph,
  device: string,
  threads: number,
  build: (shards: number) => DataParallelStep | { reason: string },
  env: Env = process.env,
): DataParallelChoice {
  const want = readConfig(env).dataParallel;
  const whole = (why: string): DataParallelChoice => ({ plan: null, note: `one session, ${threads} thread(s): ${why}` });
  if (want === 'off') return whole('data-parallel shards turned off (CNN_STUDIO_DATA_PARALLEL=0)');
  if (device !== 'cpu') return whole('data-parallel shards run on the CPU only');
  if (threads < 2) return whole('one thread');
  const params = step.weights.reduce((a, w) => a + w.shape.reduce((x, y) => x * y, 1), 0);
  if (params > DATA_PARALLEL_MAX_PARAMS && want !== 'force')
    return whole(
      `${params.toLocaleString('en-US')} parameters: more than ${DATA_PARALLEL_MAX_PARAMS.toLocaleString('en-US')}, where copying them each step costs more than shards gain`,
    );
  const shards = Math.min(threads, Math.floor(step.batchSize / 2));
  if (shards < 2) return whole(`batch ${step.batchSize} is too small to split`);
  const plan = build(shards);
  if ('reason' in plan) return whole(`not split into shards: ${plan.reason}`);
  return { plan, note: `${shards} data-parallel shards of ${plan.sizes.join('/')} images, one thread each` };
}
