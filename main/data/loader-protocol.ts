/**
 * Messages between the loader (main/data/loader-threads.ts) and its worker threads
 * (loader-worker.ts). A job's byte and float buffers are transferred, not copied: the worker fills
 * the float batch in place and transfers both back.
 */
import type { SamplePlan } from '../../core/data/batch-samples';

export interface LoaderJob {
  id: number;
  /** how to prepare the samples (small; the worker keeps a writer per distinct plan, so loaders can share threads) */
  plan: SamplePlan;
  epoch: number;
  /** samples in the batch */
  count: number;
  /** split index of each sample */
  indices: Int32Array;
  /** storage-resolution caches: original width, height of each sample; else null */
  sizes: Int32Array | null;
  /** the stored samples, count * sampleBytes bytes at the start */
  raw: ArrayBuffer;
  /** where the normalised batch goes (count * C*H*W floats at the start) */
  images: ArrayBuffer;
}

export type LoaderReply = { id: number; raw: ArrayBuffer; images: ArrayBuffer } | { id: number; error: string };
