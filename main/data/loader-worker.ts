/**
 * Entry point of a loader worker thread (bundled to dist/loader-worker.cjs by scripts/build.mjs):
 * prepares whole batches, the same per-sample code as the caller's thread (core/data/batch-samples),
 * into the buffers each job transfers in, then transfers them back.
 */
import { parentPort } from 'node:worker_threads';
import { createSampleWriter, type SampleWriter } from '../../core/data/batch-samples';
import type { LoaderJob, LoaderReply } from './loader-protocol';

/** Writers (each with its scratch buffers) by plan: a training and a validation loader share the threads. */
const MAX_WRITERS = 8;

function serve(): void {
  const writers = new Map<string, SampleWriter>();
  const writerFor = (job: LoaderJob): SampleWriter => {
    const key = JSON.stringify(job.plan);
    let w = writers.get(key);
    if (!w) {
      if (writers.size >= MAX_WRITERS) writers.clear();
      w = createSampleWriter(job.plan);
      writers.set(key, w);
    }
    return w;
  };
  parentPort!.on('message', (job: LoaderJob) => {
    let reply: LoaderReply;
    try {
      const { plan } = job;
      const raw = new Uint8Array(job.raw, 0, job.count * plan.sampleBytes);
      const images = new Float32Array(job.images, 0, job.count * plan.channels * plan.height * plan.width);
      writerFor(job).write(raw, job.indices, job.sizes, job.epoch, images, 0, job.count);
      reply = { id: job.id, raw: job.raw, images: job.images };
    } catch (e) {
      reply = { id: job.id, error: e instanceof Error ? e.message : String(e) };
    }
    parentPort!.postMessage(reply, 'error' in reply ? [] : [reply.raw, reply.images]);
  });
}

if (parentPort) serve();
