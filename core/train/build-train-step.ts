/**
 * The train-step graph: forward (training form) + loss + backward + optimizer update, one ONNX
 * model run once per step. Weights, optimizer state and running statistics are inputs; their
 * updated values are outputs, so the host keeps them (and can checkpoint them) between steps.
 *
 * inputs:  images [B, ...], labels (int64 [B], or float32 one-hot [B, C] for a target without int64
 *          ops: see labelFormat and core/train/target.ts), scalars (lr / Adam terms, float32 []),
 *          every trainable weight (by its own name), optimizer state (`<w>.momentum_buffer`,
 *          `<w>.exp_avg`, `<w>.exp_avg_sq`; zeros before the first step), running statistics
 * outputs: loss [], logits [B, C], `<w>.next` per weight, `<state>.next`, `<stat>.next`
 *          (+ `<w>.grad` with outputGradients)
 */
import { GraphBuilder } from '../onnx/builder';
import type { DType, Graph, Model, Node, ValueInfo } from '../onnx/ir';
import { buildBackward } from './autodiff';
import { spatialParams } from './attrs';
import { sliceRouteFits } from './grad/maxpool-first-max';
import type { GradOptions } from './grad/types';
import { emitCrossEntropy, type CrossEntropyOptions, type LabelFormat } from './loss';
import { CPU_TARGET, foldStaticSize, formulationFor, type ProviderTarget } from './target';
import { emitUpdate, scalarInputNames, scaledScalars, SCALAR_INPUTS, type OptimizerConfig, type ScalarValues } from './optim/index';
import { inferShapes, type ShapeInfo } from './shape-infer';
import { fuseTrainingBatchNorm } from './fuse-bn';
import { trimDeadConvTaps } from './trim-conv-taps';
import { denseSmallMapConvs } from './small-map-conv';
import { eliminateCommonSubexpressions } from './cse';

/** A forward graph ready to be trained: studio-emitted ({ training: true }) or prepareForTraining'd. */
export interface TrainableGraph {
  graph: Graph;
  /** Name of the image input (a graph input). */
  input: string;
  /** Name of the logits value [B, C]. */
  logits: string;
  /** Initializers (or inputs) trained by the optimizer. */
  trainable: readonly string[];
  /** Non-trained state (BN running statistics): value -> value holding its update. */
  stateUpdates?: Readonly<Record<string, string>>;
}

export interface TrainStepOptions {
  batchSize: number;
  optimizer: OptimizerConfig;
  loss?: CrossEntropyOptions;
  grad?: GradOptions;
  /** Also output each weight's gradient as `<w>.grad` (tests, debugging). */
  outputGradients?: boolean;
  /** Label input name (default 'labels'). */
  labels?: string;
  /** The provider the graph is built for (default the CPU): picks formulations it runs. */
  target?: ProviderTarget;
  /**
   * Discriminative learning rates: weight name -> multiplier of the run's learning rate (default
   * 1), as PyTorch's param_groups with their own lr. Weights sharing a multiplier share its scalars.
   */
  lrScale?: Readonly<Record<string, number>>;
}

export interface TensorSlot {
  /** Graph input name. */
  name: string;
  /** Graph output holding the value after the step. */
  updated: string;
  shape: number[];
}

export interface TrainStepGraph {
  model: Model;
  images: string;
  labels: string;
  /** How the labels input is fed: int64 class ids [B] or float32 one-hot rows [B, C]. */
  labelFormat: LabelFormat;
  batchSize: number;
  numClasses: number;
  /** Scalar float inputs to feed every step (see optimizerScalars). */
  scalars: string[];
  weights: TensorSlot[];
  optimizerState: TensorSlot[];
  runningState: TensorSlot[];
  /** Other graph inputs (e.g. a dropout seed) the host must feed. */
  extraInputs: ValueInfo[];
  loss: string;
  logits: string;
  /** weight -> gradient output (outputGradients only). */
  gradients: Record<string, string>;
  /** Trainable weights that do not influence the loss (their gradient is zero). */
  unusedWeights: string[];
}

const OPSET = 17;

export function makeModel(graph: Graph, doc: string): Model {
  return {
    irVersion: 8,
    opsetImports: [{ domain: '', version: OPSET }],
    producerName: 'cnn-studio',
    producerVersion: '0.1.0',
    graph,
    metadata: {},
    docString: doc,
  };
}

/**
 * Copies forward nodes into a new builder: trainable weights and state become graph inputs, other
 * initializers stay. Returns the builder, the shapes and the nodes as copied.
 */
export function startFromForward(
  src: TrainableGraph,
  batchSize: number,
  name: string,
  promote: readonly string[],
  known?: ShapeInfo,
): { g: GraphBuilder; info: ShapeInfo; nodes: Node[] } {
  const info = known ?? inferShapes(src.graph, { batch: batchSize });
  const g = new GraphBuilder(name);
  const promoted = new Set(promote);
  for (const v of src.graph.inputs) {
    if (promoted.has(v.name)) continue;
    const s = info.shapes.get(v.name)!;
    g.input(v.name, s.dtype, s.shape);
  }
  for (const p of promote) {
    const s = info.shapes.get(p);
    if (!s) throw new Error(`"${p}" is neither an initializer nor an input of the forward graph`);
    g.input(p, s.dtype, s.shape);
  }
  for (const t of src.graph.initializers) if (!promoted.has(t.name)) g.initializer(t.name, t.dtype, t.dims, t.data, true);
  const nodes: Node[] = [];
  for (const n of src.graph.nodes) {
    for (const o of n.outputs) if (o && !g.has(o)) g.reserve(o);
    const copy: Node = { ...n, inputs: [...n.inputs], outputs: [...n.outputs], attributes: { ...n.attributes } };
    nodes.push(copy);
  }
  for (const n of nodes) if (!g.has(n.name)) g.reserve(n.name);
  return { g, info, nodes };
}

/** A train step up to the optimizer: forward (training form), loss and backward in one builder. */
export interface LossAndBackward {
  g: GraphBuilder;
  info: ShapeInfo;
  /** The forward graph after the build-time rewrites (fused batch norm, trimmed taps, ...). */
  src: TrainableGraph;
  stateNames: string[];
  labels: string;
  labelFormat: LabelFormat;
  batchSize: number;
  numClasses: number;
  loss: string;
  /** weight -> its gradient value. */
  grads: ReadonlyMap<string, string>;
  unused: string[];
}

/** Forward + loss + backward of `src0` (the part of buildTrainStep before the optimizer). */
export function buildLossAndBackward(src0: TrainableGraph, opts0: Omit<TrainStepOptions, 'optimizer'>, name = 'train_step'): LossAndBackward {
  const form = formulationFor(opts0.target ?? CPU_TARGET, opts0.grad);
  const opts = { ...opts0, grad: form.grad };
  const info0 = inferShapes(src0.graph, { batch: opts.batchSize });
  const fused = (opts.grad?.fuseBatchNorm ?? true) ? { ...src0, graph: fuseTrainingBatchNorm(src0.graph, info0) } : src0;
  const trimmed = (opts.grad?.trimConvTaps ?? true) ? { ...fused, graph: trimDeadConvTaps(fused.graph, info0).graph } : fused;
  const src = (opts.grad?.denseSmallMaps ?? true) ? { ...trimmed, graph: denseSmallMapConvs(trimmed.graph, info0).graph } : trimmed;
  const stateNames = Object.keys(src.stateUpdates ?? {});
  const { g, info, nodes } = startFromForward(src, opts.batchSize, name, [...src.trainable, ...stateNames], info0);

  // MaxPool backward routes through its Indices output: add it where a gradient will flow, except
  // on the pools whose backward takes the strided-slice route instead.
  const dep = new Set(src.trainable);
  const slicePool = (n: Node): boolean => {
    if (!(opts.grad?.maxPoolSlices ?? true)) return false;
    const xs = info.shapes.get(n.inputs[0]!)!.shape;
    return sliceRouteFits(xs, info.shapes.get(n.outputs[0]!)!.shape, spatialParams(n, xs.slice(2)), opts.grad?.maxPoolRoutes);
  };
  for (const n of nodes) {
    if (n.inputs.some((i) => dep.has(i))) for (const o of n.outputs) if (o) dep.add(o);
    if (n.opType === 'MaxPool' && n.outputs.length < 2 && dep.has(n.inputs[0]!) && (opts.grad?.maxPoolIndices ?? true) && !slicePool(n)) {
      const idx = g.fresh(`${n.outputs[0]}/indices`);
      n.outputs.push(idx);
      info.shapes.set(idx, { dtype: 'int64', shape: [...info.shapes.get(n.outputs[0]!)!.shape] });
    }
  }
  if (form.foldSize) nodes.splice(0, nodes.length, ...foldStaticSize(nodes, (v) => info.shapes.get(v)?.shape));
  g.nodes.push(...nodes);
  const graphForGrad: Graph = { ...src.graph, nodes };

  const ls = info.shapes.get(src.logits);
  if (!ls || ls.shape.length !== 2) throw new Error(`logits "${src.logits}" must be [batch, classes]`);
  const [n, c] = ls.shape as [number, number];
  const labelFormat = form.loss.labels ?? 'int64';
  const labels = labelFormat === 'onehot' ? g.input(opts.labels ?? 'labels', 'float32', [n, c]) : g.input(opts.labels ?? 'labels', 'int64', [n]);
  const { loss, dLogits } = emitCrossEntropy(g, src.logits, labels, n, c, opts.loss, form.loss);
  const back = buildBackward({ graph: graphForGrad, info, seeds: { [src.logits]: dLogits }, wrt: src.trainable, builder: g, options: opts.grad });
  return { g, info, src, stateNames, labels, labelFormat, batchSize: n, numClasses: c, loss, grads: back.grads, unused: back.unused };
}

export function buildTrainStep(src0: TrainableGraph, opts: TrainStepOptions): TrainStepGraph {
  const { g, info, src, stateNames, labels, labelFormat, batchSize: n, numClasses: c, loss, grads, unused } = buildLossAndBackward(src0, opts);
  const scalars = scalarInputNames(opts.optimizer);
  for (const s of scalars) g.input(s, 'float32', []);

  const weights: TensorSlot[] = [];
  /** [value, output name]: outputs are bound by renaming the producing node's output (no copy). */
  const aliases: [string, string][] = [];
  const optimizerState: TensorSlot[] = [];
  const gradients: Record<string, string> = {};
  const outputs: { name: string; dtype: DType; shape: number[] }[] = [];
  const groups = new Map<number, ScalarValues>([[1, SCALAR_INPUTS]]);
  const scalarsFor = (scale: number): ScalarValues => {
    if (!(scale > 0 && Number.isFinite(scale))) throw new Error(`learning-rate multiplier must be a positive number, got ${scale}`);
    if (!groups.has(scale)) groups.set(scale, scaledScalars(g, scale, scalars));
    return groups.get(scale)!;
  };
  for (const w of src.trainable) {
    const shape = info.shapes.get(w)!.shape;
    const grad = grads.get(w)!;
    const { updated, state } = emitUpdate(g, opts.optimizer, w, grad, shape, scalarsFor(opts.lrScale?.[w] ?? 1));
    const out = g.fresh(`${w}.next`);
    aliases.push([updated, out]);
    weights.push({ name: w, updated: out, shape });
    for (const s of state) {
      g.input(s.name, 'float32', s.shape);
      const so = g.fresh(`${s.name}.next`);
      aliases.push([s.updated, so]);
      optimizerState.push({ name: s.name, updated: so, shape: s.shape });
    }
    if (opts.outputGradients) {
      const go = g.fresh(`${w}.grad`);
      aliases.push([grad, go]);
      gradients[w] = go;
      outputs.push({ name: go, dtype: 'float32', shape });
    }
  }
  const runningState: TensorSlot[] = [];
  for (const s of stateNames) {
    const shape = info.shapes.get(s)!.shape;
    const out = g.fresh(`${s}.next`);
    aliases.push([src.stateUpdates![s]!, out]);
    runningState.push({ name: s, updated: out, shape });
  }

  const lossOut = g.fresh('loss');
  aliases.push([loss, lossOut]);
  bindOutputs(g, aliases, new Set([src.logits]));
  g.output(lossOut, 'float32', []);
  g.output(src.logits, 'float32', [n, c]);
  for (const w of weights) g.output(w.updated, 'float32', w.shape);
  for (const s of optimizerState) g.output(s.updated, 'float32', s.shape);
  for (const s of runningState) g.output(s.updated, 'float32', s.shape);
  for (const o of outputs) g.output(o.name, o.dtype, o.shape);

  const promoted = new Set([...src.trainable, ...stateNames, src.input]);
  const extraInputs = src.graph.inputs.filter((v) => !promoted.has(v.name));
  return {
    model: makeModel(eliminateCommonSubexpressions(g.build()).graph, 'CNN Studio train step: forward + cross-entropy + backward + optimizer update'),
    images: src.input,
    labels,
    labelFormat,
    batchSize: n,
    numClasses: c,
    scalars,
    weights,
    optimizerState,
    runningState,
    extraInputs,
    loss: lossOut,
    logits: src.logits,
    gradients,
    unusedWeights: unused,
  };
}

/**
 * Gives each value its output name. Renaming the producer's output avoids an Identity copy, which
 * matters for weights and optimizer state (tens of MB per step); values that are graph inputs,
 * initializers, protected (other outputs) or needed under two names get an Identity instead.
 */
export function bindOutputs(g: GraphBuilder, aliases: [string, string][], protectedValues: ReadonlySet<string>): void {
  const produced = new Set<string>();
  for (const n of g.nodes) for (const o of n.outputs) produced.add(o);
  const rename = new Map<string, string>();
  for (const [v, out] of aliases) {
    if (produced.has(v) && !protectedValues.has(v) && !rename.has(v)) rename.set(v, out);
    else identity(g, rename.get(v) ?? v, out);
  }
  if (rename.size === 0) return;
  for (const n of g.nodes) {
    for (let i = 0; i < n.outputs.length; i++) {
      const r = rename.get(n.outputs[i]!);
      if (r) n.outputs[i] = r;
    }
    for (let i = 0; i < n.inputs.length; i++) {
      const r = rename.get(n.inputs[i]!);
      if (r) n.inputs[i] = r;
    }
  }
}

/** Appends `out = Identity(src)` where `out` was already reserved with g.fresh. */
export function identity(g: GraphBuilder, src: string, out: string): void {
  g.nodes.push({ name: g.fresh('Identity'), opType: 'Identity', inputs: [src], outputs: [out], attributes: {} });
}
