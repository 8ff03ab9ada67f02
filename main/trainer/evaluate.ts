/**
 * Runs the eval graph (inference-form forward + loss) over a split and accumulates the metrics.
 * Shapes are static, so a split whose size is not a multiple of the batch uses a second session
 * for the remainder: every sample is counted exactly once.
 */
import type * as ort from 'onnxruntime-node';
import { buildStudioEval } from '../../core/train/studio';
import type { EvalGraph } from '../../core/train/build-eval';
import type { CrossEntropyOptions } from '../../core/train/loss';
import type { ModelDocument } from '../../core/graph/index';
import { MetricsAccumulator, type EvalMetrics } from '../../core/train/metrics';
import { createSession, f32, labelTensor, type Device } from './ort-session';
import type { ProviderTarget } from '../../core/train/target';
import type { Loader } from '../data/loader';

export interface EvalSession {
  batch: number;
  graph: EvalGraph;
  session: ort.InferenceSession;
}

export interface EvalSessions {
  /** by batch size */
  bySize: Map<number, EvalSession>;
  release(): Promise<void>;
}

/** Sessions for batches of `batch` and, when `samples` is not a multiple, for the remainder. */
export async function createEvalSessions(
  doc: ModelDocument,
  samples: number,
  batch: number,
  cfg: { device: Device; threads: number; loss?: CrossEntropyOptions; target?: ProviderTarget },
): Promise<EvalSessions> {
  const bySize = new Map<number, EvalSession>();
  const sizes = [Math.min(batch, samples)];
  if (samples % sizes[0]! !== 0) sizes.push(samples % sizes[0]!);
  for (const b of sizes) {
    if (b < 1 || bySize.has(b)) continue;
    const { evalGraph } = buildStudioEval(doc, { batchSize: b, loss: cfg.loss, target: cfg.target });
    bySize.set(b, { batch: b, graph: evalGraph, session: await createSession(evalGraph.model, { device: cfg.device, threads: cfg.threads, memArena: false }) });
  }
  return {
    bySize,
    release: async () => {
      for (const s of bySize.values()) await s.session.release();
    },
  };
}

/** Weights and running statistics by name, as the eval graph takes them. */
export type WeightLookup = (name: string) => Float32Array | undefined;

export async function evaluateSplit(
  sessions: EvalSessions,
  weights: WeightLookup,
  shapes: ReadonlyMap<string, number[]>,
  loader: Loader,
  classes: readonly string[],
  maxMisclassified = Infinity,
): Promise<EvalMetrics> {
  const acc = new MetricsAccumulator(classes, maxMisclassified);
  const [C, H, W] = loader.shape;
  for await (const batch of loader.epoch(0)) {
    const s = sessions.bySize.get(batch.size);
    if (!s) throw new Error(`no eval session for a batch of ${batch.size}`);
    const feeds: Record<string, ort.Tensor> = {
      [s.graph.images]: f32(batch.images, [batch.size, C, H, W]),
      [s.graph.labels]: labelTensor(s.graph.labelFormat, batch.labels, classes.length),
    };
    for (const name of s.graph.weightInputs) {
      const v = weights(name);
      if (!v) throw new Error(`no value for "${name}"`);
      feeds[name] = f32(v, shapes.get(name) ?? [v.length]);
    }
    const out = await s.session.run(feeds);
    const loss = (out[s.graph.loss]!.data as Float32Array)[0]!;
    acc.add(
      out[s.graph.logits]!.data as Float32Array,
      batch.labels,
      batch.indices.map((i) => loader.paths[i]!),
      loss,
    );
  }
  return acc.result();
}
