/**
 * A train step split into batch shards run side by side (data parallelism on one machine's cores):
 * each shard runs a gradient graph (forward + loss + backward on its n_k samples, one thread), and
 * an update graph sums the shards' gradients and applies the optimizer:
 *   g = sum_k (n_k / B) * g_k,   loss = sum_k (n_k / B) * loss_k
 * which is the whole batch's mean-loss gradient when the model treats samples independently
 * (core/train/per-sample.ts). Why: on small models onnxruntime's intra-op threads gain little
 * (LeNet-5 at batch 64: 6.9 ms per step on 1 thread, ~6 ms on 2), while two single-threaded halves
 * take 3.4 ms each.
 *
 * The update graph reads and writes the same names as the unsplit step graph (weights, optimizer
 * state, scalars in; `<w>.next`, `<state>.next` out), so a host runs either interchangeably.
 */
import { GraphBuilder } from '../onnx/builder';
import type { Model, ValueInfo } from '../onnx/ir';
import { bindOutputs, buildLossAndBackward, makeModel, type TrainableGraph, type TrainStepGraph, type TrainStepOptions } from './build-train-step';
import type { LabelFormat } from './loss';
import { emitUpdate, type OptimizerConfig } from './optim/index';
import { batchCouplingReason, shardSizes } from './per-sample';
import { eliminateCommonSubexpressions } from './cse';
import { CPU_TARGET } from './target';

/** Forward + loss + backward of one shard: outputs the shard's mean loss, logits and gradients. */
export interface ShardGradientGraph {
  model: Model;
  batchSize: number;
  images: string;
  labels: string;
  labelFormat: LabelFormat;
  loss: string;
  logits: string;
  /** weight -> gradient output. */
  gradients: Record<string, string>;
  /** Inputs besides images, labels and the trained weights (dropout masks, frozen weights). */
  extraInputs: ValueInfo[];
}

/** A step tensor's place in a flat buffer of all trained weights (in step.weights order). */
export interface FlatSegment {
  offset: number;
  length: number;
}

/**
 * The update runs on flat vectors: all weights (and each optimizer-state kind, and each shard's
 * gradients) laid end to end. The update is elementwise with the same scalars for every
 * parameter, so this computes exactly what per-tensor updates compute, in ~10 nodes instead of
 * ~7 per weight (onnxruntime's per-node cost, ~5 us, dominated the LeNet-5 update).
 */
export interface ShardedUpdateGraph {
  model: Model;
  /** Total trained parameters. */
  size: number;
  /** Per step weight (step.weights order): where it sits in every flat vector. */
  segments: FlatSegment[];
  /** Flat weights in, updated flat weights out. */
  params: { input: string; output: string };
  /** Per optimizer-state kind: flat in/out, and per step weight the step's slot name / output name. */
  state: { input: string; output: string; slots: string[]; slotOutputs: string[] }[];
  /** Per shard: its flat gradient input (weights' gradients end to end). */
  gradientInputs: string[];
  /** Per shard: its mean loss input. The graph outputs the step's loss under step.loss. */
  lossInputs: string[];
}

export interface DataParallelStep {
  /** Samples per shard, in batch order. */
  sizes: number[];
  /** One gradient graph per shard (shards of equal size share one graph object). */
  shards: ShardGradientGraph[];
  update: ShardedUpdateGraph;
}

export function buildShardGradient(src: TrainableGraph, opts: Omit<TrainStepOptions, 'optimizer'>): ShardGradientGraph {
  const b = buildLossAndBackward(src, opts, 'shard_gradient');
  const { g } = b;
  const gradients: Record<string, string> = {};
  const aliases: [string, string][] = [];
  for (const w of b.src.trainable) {
    const out = g.fresh(`${w}.grad`);
    aliases.push([b.grads.get(w)!, out]);
    gradients[w] = out;
  }
  const lossOut = g.fresh('loss');
  aliases.push([b.loss, lossOut]);
  bindOutputs(g, aliases, new Set([b.src.logits]));
  g.output(lossOut, 'float32', []);
  g.output(b.src.logits, 'float32', [b.batchSize, b.numClasses]);
  for (const w of b.src.trainable) g.output(gradients[w]!, 'float32', b.info.shapes.get(w)!.shape);
  const promoted = new Set([...b.src.trainable, b.src.input]);
  const graph = eliminateCommonSubexpressions(g.build()).graph;
  return {
    model: makeModel(graph, 'CNN Studio shard gradient: forward + cross-entropy + backward on one slice of the batch'),
    batchSize: b.batchSize,
    images: b.src.input,
    labels: b.labels,
    labelFormat: b.labelFormat,
    loss: lossOut,
    logits: b.src.logits,
    gradients,
    extraInputs: graph.inputs.filter((v) => !promoted.has(v.name) && v.name !== b.labels),
  };
}

/** The optimizer step of `step` on the weighted sum of the shards' gradients, on flat vectors. */
export function buildShardedUpdate(step: TrainStepGraph, optimizer: OptimizerConfig, sizes: readonly number[]): ShardedUpdateGraph {
  const g = new GraphBuilder('sharded_update');
  const total = sizes.reduce((a, b) => a + b, 0);
  const segments: FlatSegment[] = [];
  let size = 0;
  for (const w of step.weights) {
    const length = w.shape.reduce((a, b) => a * b, 1);
    segments.push({ offset: size, length });
    size += length;
  }
  for (const s of step.scalars) g.input(s, 'float32', []);
  const params = g.input('params.flat', 'float32', [size]);
  const gradientInputs = sizes.map((_, k) => g.input(`gradients.flat/shard${k}`, 'float32', [size]));
  const lossInputs = sizes.map((_, k) => g.input(`loss/shard${k}`, 'float32', []));
  // g = sum_k (n_k / B) g_k; equal shards: (sum_k g_k) * (1 / K), one Mul.
  const weighted = (xs: string[], what: string): string => {
    if (sizes.every((n) => n === sizes[0])) {
      const sum = xs.reduce((acc, x) => g.op1('Add', [acc, x], {}, { name: `${what}/sum` }));
      return g.op1('Mul', [sum, g.constFloat(`${what}/share`, [sizes[0]! / total], [])], {}, { name: `${what}/share` });
    }
    return xs
      .map((x, k) => g.op1('Mul', [x, g.constFloat(`${what}/share${k}`, [sizes[k]! / total], [])], {}, { name: `${what}/share${k}` }))
      .reduce((acc, x) => g.op1('Add', [acc, x], {}, { name: `${what}/sum` }));
  };
  const grad = weighted(gradientInputs, 'gradients');
  const { updated, state } = emitUpdate(g, optimizer, params, grad, [size]);
  const aliases: [string, string][] = [];
  const paramsOut = g.fresh('params.flat.next');
  aliases.push([updated, paramsOut]);
  const stateOut = state.map((s) => {
    const suffix = s.name.slice(params.length);
    const slots = step.weights.map((w) => `${w.name}${suffix}`);
    const slotOutputs = slots.map((name) => {
      const slot = step.optimizerState.find((o) => o.name === name);
      if (!slot) throw new Error(`the step graph has no optimizer state "${name}"`);
      return slot.updated;
    });
    g.input(s.name, 'float32', [size]);
    const output = g.fresh(`${s.name}.next`);
    aliases.push([s.updated, output]);
    return { input: s.name, output, slots, slotOutputs };
  });
  g.reserve(step.loss);
  aliases.push([weighted(lossInputs, 'loss'), step.loss]);
  bindOutputs(g, aliases, new Set());
  g.output(step.loss, 'float32', []);
  g.output(paramsOut, 'float32', [size]);
  for (const s of stateOut) g.output(s.output, 'float32', [size]);
  return {
    model: makeModel(g.build(), "CNN Studio sharded update: weighted sum of the shards' gradients + optimizer step, on flat vectors"),
    size,
    segments,
    params: { input: params, output: paramsOut },
    state: stateOut,
    gradientInputs,
    lossInputs,
  };
}

/**
 * The data-parallel form of `step` (built from `src` with `opts`), or the reason it has none:
 * samples coupled (batch norm), class-weighted loss (its mean divides by the batch's weight sum,
 * not n_k), running statistics, a provider other than the CPU.
 */
export function planDataParallel(src: TrainableGraph, opts: TrainStepOptions, step: TrainStepGraph, shards: number): DataParallelStep | { reason: string } {
  if ((opts.target ?? CPU_TARGET).provider !== 'cpu') return { reason: 'only CPU sessions run shards side by side' };
  if (opts.loss?.classWeights) return { reason: 'a class-weighted loss is normalised by the whole batch' };
  if (step.runningState.length > 0) return { reason: 'running statistics (batch norm) are updated from the whole batch' };
  if (Object.values(opts.lrScale ?? {}).some((s) => s !== 1)) return { reason: 'the flat update has one learning rate, the run has per-group ones' };
  const sizes = shardSizes(opts.batchSize, shards);
  const why = batchCouplingReason(src, sizes);
  if (why) return { reason: why };
  const bySize = new Map<number, ShardGradientGraph>();
  for (const n of new Set(sizes)) bySize.set(n, buildShardGradient(src, { ...opts, batchSize: n }));
  return { sizes, shards: sizes.map((n) => bySize.get(n)!), update: buildShardedUpdate(step, opts.optimizer, sizes) };
}
