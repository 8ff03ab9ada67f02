/**
 * The loader's worker threads: each prepares whole batches (core/data/batch-samples.ts) in the
 * buffers a job transfers to it, for whichever loader sent the job (the trainer's training and
 * validation loaders share one pool), so several batches are prepared at once, off the thread that runs
 * the training step, with no copy of the result. A worker holds the process open only while it has
 * work (ref'd with jobs pending, unref'd when idle), and close() terminates them all.
 */
import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { LoaderJob, LoaderReply } from './loader-protocol';
import { startLoaderWorker } from './loader-worker-script';

/** The loader's default thread count: one per core, at most 4 (beyond that the step's own threads suffer). */
export function defaultLoaderThreads(): number {
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

/** Below this many pixels a batch is prepared in well under a millisecond: a thread's hand-over would cost more than it saves. */
const THREADED_MIN_PIXELS = 64 * 64;

/**
 * The trainer's loader threads: the configured count (CNN_STUDIO_LOADER_THREADS), or by default
 * defaultLoaderThreads() for inputs of 64x64 pixels and more or cut from a storage-resolution cache
 * (a resample per sample), and none for small images.
 */
export function loaderThreads(configured: number | 'auto', shape: readonly [number, number, number], fromStore: boolean): number {
  if (configured !== 'auto') return configured;
  return fromStore || shape[1] * shape[2] >= THREADED_MIN_PIXELS ? defaultLoaderThreads() : 0;
}

export interface JobResult {
  raw: ArrayBuffer;
  images: ArrayBuffer;
}

export interface SampleThreads {
  readonly size: number;
  run(job: Omit<LoaderJob, 'id'>): Promise<JobResult>;
  close(): Promise<void>;
}

interface Pending {
  resolve: (r: JobResult) => void;
  reject: (e: Error) => void;
}

interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
  failure: Error | null;
  exited: Promise<void>;
}

let live = 0;

/** Loader worker threads currently running in this process (for the leak test). */
export function liveLoaderThreads(): number {
  return live;
}

function fail(t: Thread, e: Error): void {
  t.failure ??= e;
  for (const p of t.pending.values()) p.reject(t.failure);
  t.pending.clear();
}

function startThread(): Thread {
  const worker = startLoaderWorker();
  live++;
  const t: Thread = { worker, pending: new Map(), failure: null, exited: Promise.resolve() };
  t.exited = new Promise<void>((resolve) =>
    worker.once('exit', (code) => {
      live--;
      fail(t, new Error(`a loader thread stopped (exit code ${code})`));
      resolve();
    }),
  );
  worker.on('error', (e: Error) => fail(t, new Error(`a loader thread failed: ${e.message}`)));
  worker.on('message', (m: LoaderReply) => {
    const p = t.pending.get(m.id);
    if (!p) return;
    t.pending.delete(m.id);
    if (t.pending.size === 0) worker.unref();
    if ('error' in m) p.reject(new Error(`preparing a batch failed: ${m.error}`));
    else p.resolve({ raw: m.raw, images: m.images });
  });
  worker.unref();
  return t;
}

/** `count` loader threads, for one loader or shared by several (each job carries its loader's plan). */
export function startSampleThreads(count: number): SampleThreads {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`loader threads must be a positive integer, not ${count}`);
  const threads = Array.from({ length: count }, () => startThread());
  let nextId = 0;
  let closed = false;
  return {
    size: count,
    run(job) {
      if (closed) return Promise.reject(new Error('the loader is closed'));
      // The least busy thread; ties go to the first, so a lone batch always lands on thread 0.
      const t = threads.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
      if (t.failure) return Promise.reject(t.failure);
      const id = nextId++;
      return new Promise<JobResult>((resolve, reject) => {
        t.pending.set(id, { resolve, reject });
        t.worker.ref();
        const transfer = [job.raw, job.images];
        t.worker.postMessage({ ...job, id } satisfies LoaderJob, transfer);
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all(threads.map((t) => t.worker.terminate()));
      await Promise.all(threads.map((t) => t.exited));
    },
  };
}
