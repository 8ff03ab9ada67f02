/**
 * Entry point of a helper thread of a data-parallel step (sharded-session.ts; bundled to
 * dist/shard-worker.cjs by scripts/build.mjs, beside cli.cjs and train-worker.cjs): runs one
 * shard's gradient graph on a single-threaded onnxruntime session, reading its inputs from and
 * writing its outputs to a SharedArrayBuffer, with Atomics for the hand-over (a postMessage round
 * trip costs ~0.1-0.3 ms, a noticeable part of a 3.5 ms LeNet-5 shard step).
 *
 * onnxruntime-node is loaded from the path the coordinator resolved (workerData.ortPath): a bundle
 * in a folder of its own may not find node_modules by itself.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type * as OrtModule from 'onnxruntime-node';
import { CONTROL, type SharedSlot, type ShardWorkerData, type ShardWorkerMessage } from './shard-protocol';

type Ort = typeof OrtModule;

function post(m: ShardWorkerMessage): void {
  parentPort!.postMessage(m);
}

function view(buffer: SharedArrayBuffer, s: SharedSlot): Float32Array | BigInt64Array {
  const n = s.dims.reduce((a, b) => a * b, 1);
  return s.dtype === 'int64' ? new BigInt64Array(buffer, s.offset, n) : new Float32Array(buffer, s.offset, n);
}

/** The session's feeds, over private arrays, and how each is refreshed from the shared buffer. */
function privateFeeds(ort: Ort, d: ShardWorkerData): { feeds: Record<string, OrtModule.Tensor>; refresh: () => void } {
  // onnxruntime-node rejects tensors over a SharedArrayBuffer ("Invalid argument"): the inputs are
  // copied into private arrays before each run.
  const feeds: Record<string, OrtModule.Tensor> = {};
  const copies = d.inputs.map((s) => {
    const shared = view(d.buffer, s);
    const own = s.dtype === 'int64' ? new BigInt64Array(shared.length) : new Float32Array(shared.length);
    feeds[s.name] = new ort.Tensor(s.dtype, own, s.dims);
    return { shared, own };
  });
  return {
    feeds,
    refresh: () => {
      for (const c of copies) c.own.set(c.shared as Float32Array & BigInt64Array);
    },
  };
}

/** Runs a step each time the coordinator raises the request word, until it writes -1. */
async function serve(ort: Ort, session: OrtModule.InferenceSession, d: ShardWorkerData): Promise<void> {
  const ctrl = new Int32Array(d.buffer, 0, 4);
  const { feeds, refresh } = privateFeeds(ort, d);
  const outViews = d.outputs.map((s) => ({ name: s.name, data: view(d.buffer, s) as Float32Array }));
  let seen = 0;
  for (;;) {
    // The next request usually comes within ~1 ms (the coordinator's update run): spin briefly,
    // then sleep. A sleeping thread took ~0.1-1.5 ms to wake on this VM's 2 cores.
    const spinUntil = performance.now() + 2;
    while (Atomics.load(ctrl, CONTROL.request) === seen && performance.now() < spinUntil);
    Atomics.wait(ctrl, CONTROL.request, seen);
    const req = Atomics.load(ctrl, CONTROL.request);
    if (req < 0) break;
    seen = req;
    try {
      refresh();
      const out = await session.run(feeds);
      for (const o of outViews) o.data.set(out[o.name]!.data as Float32Array);
    } catch (e) {
      Atomics.store(ctrl, CONTROL.failed, 1);
      post({ error: e instanceof Error ? e.message : String(e) });
    }
    Atomics.store(ctrl, CONTROL.done, seen);
    Atomics.notify(ctrl, CONTROL.done);
  }
  await session.release();
  post({ stopped: true });
}

async function main(d: ShardWorkerData): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the main thread passes the onnxruntime-node path it resolved; this CJS bundle must load that same copy
  const ort = require(d.ortPath) as Ort;
  const session = await ort.InferenceSession.create(d.model, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    logSeverityLevel: 3,
    extra: { session: { 'intra_op.allow_spinning': d.spinning ? '1' : '0' } },
  });
  post({ ready: true });
  await serve(ort, session, d);
}

if (parentPort) main(workerData as ShardWorkerData).catch((e: unknown) => post({ error: e instanceof Error ? e.message : String(e), fatal: true }));
