/**
 * The model's own check, after the provider passed the reference self-test
 * (main/providers/provider-self-test.ts, which covers layouts and training-step numerics on a fixed
 * LeNet-5). Before training on a GPU provider, the inference-form forward of this model runs on a
 * few real training images with the initial weights on both, and the logits must agree:
 *   max |device - cpu| <= 1e-3 * max(1, max |cpu|).
 * Then one step of this model's train-step graph runs on the device and must give a finite loss:
 * a provider can load a graph and fail at run time (WebGPU's MaxPool with Indices, "not supported
 * yet"), and that must send the run to the CPU before it starts, not fail it at step 1. The
 * session is handed back for training, so the step graph is compiled once (on WebGPU with the
 * weights kept on the GPU between steps: resident-session.ts).
 */
import type * as ort from 'onnxruntime-node';
import { buildStudioEval } from '../../core/train/studio';
import type { ModelDocument } from '../../core/graph/index';
import type { TrainStepGraph } from '../../core/train/build-train-step';
import type { OptimizerConfig } from '../../core/train/optim/index';
import { createSession, f32, i64, type Device, type TrainStepRunner } from './ort-session';
import { createDeviceRunner, freshRunner } from './resident-session';
import { explainProviderError } from '../providers';

export interface SelfTestInput {
  doc: ModelDocument;
  weights: (name: string) => Float32Array | undefined;
  /** n images, NCHW */
  images: Float32Array;
  dims: [number, number, number, number];
}

export interface SelfTestStep {
  graph: TrainStepGraph;
  optimizer: OptimizerConfig;
  initial: ReadonlyMap<string, Float32Array>;
  /** extra feeds of one step (dropout masks) */
  extra: Record<string, ort.Tensor>;
  lr: number;
}

export interface ModelSelfTest {
  /** null when the device is trusted with this model */
  reason: string | null;
  /** the train-step session on the device, fresh state, when the test passed */
  runner: TrainStepRunner | null;
}

async function logits(input: SelfTestInput, device: Device, threads: number): Promise<Float32Array> {
  const n = input.dims[0];
  const { evalGraph } = buildStudioEval(input.doc, { batchSize: n });
  const session = await createSession(evalGraph.model, { device, threads, memArena: false });
  try {
    const feeds: Record<string, ort.Tensor> = { [evalGraph.images]: f32(input.images, input.dims), [evalGraph.labels]: i64(new BigInt64Array(n), [n]) };
    for (const v of evalGraph.model.graph.inputs) {
      if (v.name === evalGraph.images || v.name === evalGraph.labels) continue;
      const w = input.weights(v.name);
      if (!w) throw new Error(`no value for "${v.name}"`);
      feeds[v.name] = f32(w, v.shape.map(Number));
    }
    const out = await session.run(feeds);
    return out[evalGraph.logits]!.data as Float32Array;
  } finally {
    await session.release();
  }
}

/** null when `device` computes what the CPU computes; otherwise why it is not trusted. */
export async function selfTestDevice(input: SelfTestInput, device: Device, threads: number): Promise<string | null> {
  let got: Float32Array;
  try {
    got = await logits(input, device, threads);
  } catch (e) {
    return `${device} could not run the model: ${explainProviderError(device, (e as Error).message)}`;
  }
  const want = await logits(input, 'cpu', threads);
  let maxDiff = 0;
  let scale = 1;
  for (let i = 0; i < want.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(got[i]! - want[i]!));
    scale = Math.max(scale, Math.abs(want[i]!));
  }
  if (!(maxDiff <= 1e-3 * scale))
    return `${device} computed logits that differ from the CPU's by ${maxDiff.toPrecision(3)} (self-test on ${input.dims[0]} training images)`;
  return null;
}

/** The batch of the step graph filled by repeating the self-test images. */
function tiledBatch(input: SelfTestInput, batch: number): { images: Float32Array; dims: number[]; labels: BigInt64Array } {
  const [n, c, h, w] = input.dims;
  const per = c * h * w;
  const images = new Float32Array(batch * per);
  for (let i = 0; i < batch; i++) images.set(input.images.subarray((i % n) * per, ((i % n) + 1) * per), i * per);
  return { images, dims: [batch, c, h, w], labels: new BigInt64Array(batch) };
}

/** selfTestDevice, then one training step of this model on the device (see the header). */
export async function selfTestModel(input: SelfTestInput, device: Device, threads: number, step: SelfTestStep): Promise<ModelSelfTest> {
  const why = await selfTestDevice(input, device, threads);
  if (why) return { reason: why, runner: null };
  let runner: TrainStepRunner | null = null;
  try {
    runner = await createDeviceRunner(step.graph, step.optimizer, step.initial, device, threads);
    const b = tiledBatch(input, step.graph.batchSize);
    const r = await runner.run(b.images, b.dims, b.labels, step.lr, step.extra);
    if (!Number.isFinite(r.loss)) throw new Error(`the loss of one training step is ${r.loss}`);
    // Training starts from the initial weights with a fresh optimizer state, on the same session.
    return { reason: null, runner: freshRunner(runner, step.initial) };
  } catch (e) {
    if (runner) await runner.session.release();
    return { reason: `${device} could not run a training step of this model: ${explainProviderError(device, (e as Error).message)}`, runner: null };
  }
}
