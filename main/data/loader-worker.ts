/**
 * Entry point of a loader worker thread (bundled to dist/loader-worker.cjs by scripts/build.mjs):
 * prepares whole batches, the same per-sample code as the caller's thread (core/data/batch-samples),
 * into the buffers each job transfers in, then transfers them back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createSampleWriter } from '../../core/data/batch-samples';
import type { LoaderJob, LoaderReply, LoaderWorkerData } from './loader-protocol';

function serve(data: LoaderWorkerData): void {
  const writer = createSampleWriter(data.plan);
  const floats = data.plan.channels * data.plan.height * data.plan.width;
  parentPort!.on('message', (job: LoaderJob) => {
    let reply: LoaderReply;
    try {
      const raw = new Uint8Array(job.raw, 0, job.count * data.plan.sampleBytes);
      const images = new Float32Array(job.images, 0, job.count * floats);
      writer.write(raw, job.indices, job.sizes, job.epoch, images, 0, job.count);
      reply = { id: job.id, raw: job.raw, images: job.images };
    } catch (e) {
      reply = { id: job.id, error: e instanceof Error ? e.message : String(e) };
    }
    parentPort!.postMessage(reply, 'error' in reply ? [] : [reply.raw, reply.images]);
  });
}

if (parentPort) serve(workerData as LoaderWorkerData);
