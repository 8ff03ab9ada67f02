/**
 * Data-parallel train step on the CPU (core/train/data-parallel.ts): the batch is cut into shards,
 * shard 0 runs here and every other shard on a helper thread (shard-worker.ts), each on a
 * single-threaded session; then an update session sums the weighted gradients and applies the
 * optimizer. A StepSession (step-session.ts): it takes the same feeds and returns the same outputs
 * as the unsplit step graph, so the trainer, checkpoints and resume do
 * not know the difference.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { encodeModel } from '../../core/onnx/proto';
import type { DataParallelStep, ShardGradientGraph } from '../../core/train/data-parallel';
import type { TrainStepGraph } from '../../core/train/build-train-step';
import { readConfig } from '../config';
import { createSession } from './ort-session';
import { forCpuSession } from './nchwc-block';
import { CONTROL, type SharedSlot, type ShardWorkerData, type ShardWorkerMessage } from './shard-protocol';
import { startShardWorker } from './shard-worker-script';
import type { StepOutputs, StepSession } from './step-session';

type Feeds = Record<string, ort.Tensor>;
type Dtype = 'float32' | 'int64';
/** A step input's element type and shape (the shared-buffer slots are laid out from these). */
interface InputSpec {
  dtype: Dtype;
  dims: number[];
}

/** onnxruntime-node's entry file, for the helper thread (whose bundle may sit outside the project's node_modules). */
function ortEntry(): string {
  const req = typeof require === 'function' ? require : createRequire(path.join(process.cwd(), 'noop.js'));
  return req.resolve('onnxruntime-node');
}

function elements(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** A feed's slice for one shard: rows [start, start + n) along the batch axis, or the whole tensor. */
interface FeedPart {
  name: string;
  /** First sample of the shard, or -1 for inputs without a batch axis (fed whole). */
  start: number;
  rows: number;
}

interface Helper {
  worker: Worker;
  ctrl: Int32Array;
  /** Coordinator's views of the worker's inputs and outputs. */
  inputs: Map<string, Float32Array | BigInt64Array>;
  outputs: Map<string, Float32Array>;
  /** The shard's flat gradient in the shared buffer. */
  gradients: Float32Array;
  /** Private copies (onnxruntime-node cannot read a SharedArrayBuffer): flat gradient, loss, logits. */
  ownGradients: Float32Array;
  loss: Float32Array;
  logits: Float32Array;
  parts: FeedPart[];
  error: string | null;
  exited: boolean;
}

/** The feeds of `shard` (at `start` in the batch) and how each comes from the full step's feeds. */
function feedParts(shard: ShardGradientGraph, step: TrainStepGraph, start: number): FeedPart[] {
  const parts: FeedPart[] = [
    { name: shard.images, start, rows: shard.batchSize },
    { name: shard.labels, start, rows: shard.batchSize },
  ];
  for (const w of step.weights) parts.push({ name: w.name, start: -1, rows: 0 });
  for (const v of shard.extraInputs) {
    // A batch axis: symbolic in the forward graph ('N'), or the step's batch size where the shard has its own.
    const full = step.extraInputs.find((e) => e.name === v.name);
    const isBatch = (d: number | string | undefined, n: number): boolean => typeof d === 'string' || d === n;
    const batched =
      full !== undefined && full.shape.length === v.shape.length && isBatch(full.shape[0], step.batchSize) && isBatch(v.shape[0], shard.batchSize);
    parts.push({ name: v.name, start: batched ? start : -1, rows: batched ? shard.batchSize : 0 });
  }
  return parts;
}

/** The shard's view of a full feed (no copy: a subarray for batch slices). */
function slice(t: ort.Tensor, p: FeedPart): ort.Tensor {
  if (p.start < 0) return t;
  const row = elements(t.dims) / t.dims[0]!;
  const data = (t.data as Float32Array | BigInt64Array).subarray(p.start * row, (p.start + p.rows) * row);
  return new ort.Tensor(t.type as Dtype, data, [p.rows, ...t.dims.slice(1)]);
}

function layout(
  shard: ShardGradientGraph,
  weights: readonly string[],
  numClasses: number,
  parts: FeedPart[],
  feedsDims: (name: string) => InputSpec,
): { inputs: SharedSlot[]; outputs: SharedSlot[]; gradients: number; bytes: number } {
  let offset = CONTROL.bytes;
  const place = (name: string, dtype: Dtype, dims: number[]): SharedSlot => {
    const s = { name, dtype, dims, offset };
    offset += Math.ceil((elements(dims) * (dtype === 'int64' ? 8 : 4)) / 8) * 8;
    return s;
  };
  const inputs = parts.map((p) => {
    const f = feedsDims(p.name);
    return place(p.name, f.dtype, p.start < 0 ? f.dims : [p.rows, ...f.dims.slice(1)]);
  });
  const outputs = [place(shard.loss, 'float32', []), place(shard.logits, 'float32', [shard.batchSize, numClasses])];
  // The gradients end to end, in step-weight order: the flat gradient the update graph reads.
  const gradients = offset;
  for (const w of weights) {
    const dims = feedsDims(w).dims;
    outputs.push({ name: shard.gradients[w]!, dtype: 'float32', dims, offset });
    offset += elements(dims) * 4;
  }
  return { inputs, outputs, gradients, bytes: Math.ceil(offset / 8) * 8 };
}

export class ShardedSession implements StepSession {
  readonly kind = 'sharded';
  private seq = 0;
  private readonly flatParams: Float32Array;
  private readonly flatState: Float32Array[];
  private readonly flatGrad0: Float32Array;

  private constructor(
    private readonly step: TrainStepGraph,
    private readonly plan: DataParallelStep,
    private readonly local: ort.InferenceSession,
    private readonly localParts: FeedPart[],
    private readonly update: ort.InferenceSession,
    private readonly helpers: Helper[],
  ) {
    const n = plan.update.size;
    this.flatParams = new Float32Array(n);
    this.flatState = plan.update.state.map(() => new Float32Array(n));
    this.flatGrad0 = new Float32Array(n);
  }

  static async create(step: TrainStepGraph, plan: DataParallelStep, spinning = readConfig().ortSpin): Promise<ShardedSession> {
    const starts = plan.sizes.map((_, k) => plan.sizes.slice(0, k).reduce((a, b) => a + b, 0));
    const shapes = new Map(
      step.model.graph.inputs.map((v): [string, InputSpec] => [v.name, { dtype: v.dtype === 'int64' ? 'int64' : 'float32', dims: v.shape as number[] }]),
    );
    const dimsOf = (name: string): InputSpec => {
      const s = shapes.get(name);
      if (!s) throw new Error(`the train step has no input "${name}" for a shard`);
      return s;
    };
    const sessions: ort.InferenceSession[] = [];
    const helpers: Helper[] = [];
    try {
      sessions.push(await createSession(plan.shards[0]!.model, { threads: 1, spinning }));
      sessions.push(await createSession(plan.update.model, { threads: 1, spinning, nchwc: false }));
      for (let k = 1; k < plan.sizes.length; k++)
        helpers.push(await startHelper(plan.shards[k]!, step, plan.update.size, feedParts(plan.shards[k]!, step, starts[k]!), dimsOf, spinning));
    } catch (e) {
      await Promise.all(helpers.map((h) => h.worker.terminate()));
      await Promise.all(sessions.map((s) => s.release()));
      throw e;
    }
    return new ShardedSession(step, plan, sessions[0]!, feedParts(plan.shards[0]!, step, 0), sessions[1]!, helpers);
  }

  async run(feeds: Feeds): Promise<StepOutputs> {
    const seq = ++this.seq;
    for (const h of this.helpers) {
      for (const p of h.parts) {
        const t = feeds[p.name];
        if (!t) throw new Error(`the step was not fed "${p.name}"`);
        h.inputs.get(p.name)!.set(slice(t, p).data as Float32Array & BigInt64Array);
      }
      Atomics.store(h.ctrl, CONTROL.request, seq);
      Atomics.notify(h.ctrl, CONTROL.request);
    }
    const localFeeds: Feeds = {};
    for (const p of this.localParts) localFeeds[p.name] = slice(feeds[p.name]!, p);
    const shard0 = this.plan.shards[0]!;
    const out0 = await this.local.run(localFeeds);
    // The training loop's next batch is prepared in a macrotask (main/data/loader.ts), usually
    // while this shard runs; if it is still pending, it gets this turn while the helpers finish.
    if (this.helpers.some((h) => Atomics.load(h.ctrl, CONTROL.done) !== seq)) await new Promise((r) => setImmediate(r));
    for (const h of this.helpers) await waitDone(h, seq);

    const u = this.plan.update;
    const upd: Feeds = {};
    for (const s of this.step.scalars) upd[s] = feeds[s]!;
    upd[u.params.input] = this.gather(
      this.flatParams,
      this.step.weights.map((w) => w.name),
      feeds,
    );
    u.state.forEach((st, j) => {
      upd[st.input] = this.gather(this.flatState[j]!, st.slots, feeds);
    });
    upd[u.gradientInputs[0]!] = this.gather(
      this.flatGrad0,
      this.step.weights.map((w) => shard0.gradients[w.name]!),
      out0,
    );
    upd[u.lossInputs[0]!] = out0[shard0.loss]!;
    this.helpers.forEach((h, i) => {
      h.ownGradients.set(h.gradients);
      upd[u.gradientInputs[i + 1]!] = new ort.Tensor('float32', h.ownGradients, [u.size]);
      upd[u.lossInputs[i + 1]!] = new ort.Tensor('float32', Float32Array.from(h.loss), []);
    });
    const res = await this.update.run(upd);
    const out: Record<string, ort.Tensor> = { [this.step.loss]: res[this.step.loss]! };
    // Updated tensors are views into the flat outputs (no copy).
    const params = res[u.params.output]!.data as Float32Array;
    this.step.weights.forEach((w, i) => {
      out[w.updated] = this.segment(params, i, w.shape);
    });
    u.state.forEach((st) => {
      const flat = res[st.output]!.data as Float32Array;
      this.step.weights.forEach((w, i) => {
        out[st.slotOutputs[i]!] = this.segment(flat, i, w.shape);
      });
    });
    const logits = new Float32Array(this.step.batchSize * this.step.numClasses);
    logits.set(out0[shard0.logits]!.data as Float32Array, 0);
    let at = shard0.batchSize * this.step.numClasses;
    for (const h of this.helpers) {
      logits.set(h.logits, at);
      at += h.logits.length;
    }
    out[this.step.logits] = new ort.Tensor('float32', logits, [this.step.batchSize, this.step.numClasses]);
    return out;
  }

  /** Copies the named tensors end to end into `flat` (step-weight order). */
  private gather(flat: Float32Array, names: readonly string[], from: Record<string, ort.Tensor>): ort.Tensor {
    names.forEach((n, i) => {
      const t = from[n];
      if (!t) throw new Error(`the step was not fed "${n}"`);
      flat.set(t.data as Float32Array, this.plan.update.segments[i]!.offset);
    });
    return new ort.Tensor('float32', flat, [flat.length]);
  }

  private segment(flat: Float32Array, i: number, shape: number[]): ort.Tensor {
    const s = this.plan.update.segments[i]!;
    return new ort.Tensor('float32', flat.subarray(s.offset, s.offset + s.length), shape);
  }

  async syncToHost(): Promise<void> {
    // The updated tensors are outputs of the update session, read on the host: nothing to copy.
  }

  reset(): void {
    // Every step is fed the runner's host values: nothing is held between steps.
  }

  async release(): Promise<void> {
    for (const h of this.helpers) {
      Atomics.store(h.ctrl, CONTROL.request, -1);
      Atomics.notify(h.ctrl, CONTROL.request);
    }
    await Promise.all(
      this.helpers
        .filter((h) => !h.exited)
        .map(
          (h) =>
            new Promise<void>((resolve) => {
              // The worker releases its session and says so; terminate is the fallback for a stuck one.
              const timer = setTimeout(() => void h.worker.terminate().then(() => resolve()), 5000);
              h.worker.once('exit', () => {
                clearTimeout(timer);
                resolve();
              });
              h.worker.once('message', (m: ShardWorkerMessage) => {
                if (m.stopped) void h.worker.terminate();
              });
            }),
        ),
    );
    await this.local.release();
    await this.update.release();
  }
}

async function startHelper(
  shard: ShardGradientGraph,
  step: TrainStepGraph,
  size: number,
  parts: FeedPart[],
  dimsOf: (name: string) => InputSpec,
  spinning: boolean,
): Promise<Helper> {
  const lay = layout(
    shard,
    step.weights.map((w) => w.name),
    step.numClasses,
    parts,
    dimsOf,
  );
  const buffer = new SharedArrayBuffer(lay.bytes);
  const data: ShardWorkerData = {
    ortPath: ortEntry(),
    model: encodeModel(await forCpuSession(shard.model)),
    spinning,
    buffer,
    inputs: lay.inputs,
    outputs: lay.outputs,
  };
  const worker = startShardWorker(data);
  const view = (s: SharedSlot): Float32Array | BigInt64Array =>
    s.dtype === 'int64' ? new BigInt64Array(buffer, s.offset, elements(s.dims)) : new Float32Array(buffer, s.offset, elements(s.dims));
  const h: Helper = {
    worker,
    ctrl: new Int32Array(buffer, 0, 4),
    inputs: new Map(lay.inputs.map((s) => [s.name, view(s)])),
    outputs: new Map(lay.outputs.map((s) => [s.name, view(s) as Float32Array])),
    gradients: new Float32Array(buffer, lay.gradients, size),
    ownGradients: new Float32Array(size),
    loss: view(lay.outputs[0]!) as Float32Array,
    logits: view(lay.outputs[1]!) as Float32Array,
    parts,
    error: null,
    exited: false,
  };
  await new Promise<void>((resolve, reject) => {
    worker.on('message', (m: ShardWorkerMessage) => {
      if (m.error) h.error = m.error;
      if (m.ready) resolve();
      if (m.fatal) reject(new Error(`a data-parallel shard could not start: ${m.error}`));
    });
    worker.on('error', (e) => {
      h.error = e.message;
      reject(e);
    });
    worker.on('exit', (code) => {
      h.exited = true;
      h.error ??= `the shard thread exited (code ${code})`;
      reject(new Error(h.error));
    });
  });
  return h;
}

/**
 * Waits for a helper's step. The wait blocks this thread (as session.run does) in slices of 20 ms;
 * between slices the event loop runs, so a helper's error message or exit is seen. Measured on
 * LeNet-5: Atomics.waitAsync resolved ~0.45 ms after the helper finished, a blocking wait ~0.1 ms.
 */
async function waitDone(h: Helper, seq: number): Promise<void> {
  // The shards finish within a fraction of a millisecond of each other: spin first.
  const spinUntil = performance.now() + 5;
  while (Atomics.load(h.ctrl, CONTROL.done) !== seq && performance.now() < spinUntil);
  for (;;) {
    const done = Atomics.load(h.ctrl, CONTROL.done);
    if (done === seq) break;
    if (h.error) throw new Error(`data-parallel shard failed: ${h.error}`);
    if (Atomics.wait(h.ctrl, CONTROL.done, done, 20) === 'timed-out') await new Promise((r) => setImmediate(r));
  }
  if (Atomics.load(h.ctrl, CONTROL.failed) !== 0) {
    // The error message arrives by postMessage right before `done` is set; give it a turn.
    await new Promise((r) => setImmediate(r));
    throw new Error(`data-parallel shard failed: ${h.error ?? 'unknown error'}`);
  }
}
