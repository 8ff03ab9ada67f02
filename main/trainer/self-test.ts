/**
 * A GPU provider is trusted only after it agrees with the CPU (DESIGN.md: WebGPU's NHWC layout
 * once miscomputed some convs). Before training on one, the inference-form forward of this model
 * runs on a few real training images with the initial weights on both, and the logits must agree:
 *   max |device - cpu| <= 1e-3 * max(1, max |cpu|).
 * The train-step graph itself is checked by its first step: a provider that cannot run it falls
 * back to the CPU there (loop.ts).
 */
import type * as ort from 'onnxruntime-node';
import { buildStudioEval } from '../../core/train/studio';
import type { ModelDocument } from '../../core/graph/index';
import { createSession, f32, i64, type Device } from './ort-session';
import { explainProviderError } from '../providers';

export interface SelfTestInput {
  doc: ModelDocument;
  weights: (name: string) => Float32Array | undefined;
  /** n images, NCHW */
  images: Float32Array;
  dims: [number, number, number, number];
}

async function logits(input: SelfTestInput, device: Device, threads: number): Promise<Float32Array> {
  const n = input.dims[0];
  const { evalGraph } = buildStudioEval(input.doc, { batchSize: n });
  const session = await createSession(evalGraph.model, { device, threads });
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
  if (!(maxDiff <= 1e-3 * scale)) return `${device} computed logits that differ from the CPU's by ${maxDiff.toPrecision(3)} (self-test on ${input.dims[0]} training images)`;
  return null;
}
