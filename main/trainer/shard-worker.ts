/**
 * The helper thread of a data-parallel step (sharded-session.ts): runs one shard's gradient graph
 * on a single-threaded onnxruntime session, reading its inputs from and writing its outputs to a
 * SharedArrayBuffer, with Atomics for the hand-over (a postMessage round trip costs ~0.1-0.3 ms,
 * a noticeable part of a 3.5 ms LeNet-5 shard step).
 *
 * The worker runs from source (`eval`), so it needs no bundle of its own: shardWorkerMain must not
 * reference anything outside its own body (it is stringified), and it loads onnxruntime-node from
 * the path the coordinator resolved.
 */

import type * as OrtModule from 'onnxruntime-node';
import type { InferenceSession as OrtSession, Tensor as OrtTensor } from 'onnxruntime-node';

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

export function shardWorkerMain(): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { parentPort, workerData } = require('node:worker_threads') as typeof import('node:worker_threads');
  const d = workerData as ShardWorkerData;
  const ort = require(d.ortPath) as typeof OrtModule;
  const ctrl = new Int32Array(d.buffer, 0, 4);
  const view = (s: SharedSlot): Float32Array | BigInt64Array => {
    const n = s.dims.reduce((a, b) => a * b, 1);
    return s.dtype === 'int64' ? new BigInt64Array(d.buffer, s.offset, n) : new Float32Array(d.buffer, s.offset, n);
  };
  // onnxruntime-node rejects tensors over a SharedArrayBuffer ("Invalid argument"): the inputs are
  // copied into private arrays before each run.
  const feeds: Record<string, OrtTensor> = {};
  const copies = d.inputs.map((s) => {
    const shared = view(s);
    const own = s.dtype === 'int64' ? new BigInt64Array(shared.length) : new Float32Array(shared.length);
    feeds[s.name] = new ort.Tensor(s.dtype, own, s.dims);
    return { shared, own };
  });
  const outViews = d.outputs.map((s) => ({ name: s.name, data: view(s) as Float32Array }));
  const loop = async (session: OrtSession): Promise<void> => {
    let seen = 0;
    for (;;) {
      // The next request usually comes within ~1 ms (the coordinator's update run): spin briefly,
      // then sleep. A sleeping thread took ~0.1-1.5 ms to wake on this VM's 2 cores.
      const spinUntil = performance.now() + 2;
      while (Atomics.load(ctrl, 0) === seen && performance.now() < spinUntil);
      Atomics.wait(ctrl, 0, seen);
      const req = Atomics.load(ctrl, 0);
      if (req < 0) break;
      seen = req;
      try {
        for (const c of copies) c.own.set(c.shared as Float32Array & BigInt64Array);
        const out = await session.run(feeds);
        for (const o of outViews) o.data.set(out[o.name]!.data as Float32Array);
      } catch (e) {
        Atomics.store(ctrl, 2, 1);
        parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e) });
      }
      Atomics.store(ctrl, 1, seen);
      Atomics.notify(ctrl, 1);
    }
    await session.release();
    parentPort!.postMessage({ stopped: true });
  };
  ort.InferenceSession.create(d.model, {
    executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: 1, interOpNumThreads: 1,
    executionMode: 'sequential', logSeverityLevel: 3,
    extra: { session: { 'intra_op.allow_spinning': d.spinning ? '1' : '0' } },
  }).then((session) => {
    parentPort!.postMessage({ ready: true });
    return loop(session);
  }).catch((e: unknown) => parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e), fatal: true }));
}
