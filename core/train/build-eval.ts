/**
 * The eval graph: the forward pass in inference form (batch norm with running statistics, no
 * dropout) + mean cross-entropy, returning loss and logits. Weights (and running statistics) are
 * inputs by default, so one session serves every epoch of a run.
 */
import type { Graph } from '../onnx/ir';
import { identity, makeModel, startFromForward, type TrainStepGraph } from './build-train-step';
import { emitCrossEntropy, type CrossEntropyOptions, type LabelFormat } from './loss';
import { CPU_TARGET, foldStaticSize, formulationFor, type ProviderTarget } from './target';
import type { Model } from '../onnx/ir';

export interface EvalSource {
  /** Inference-form forward graph. */
  graph: Graph;
  input: string;
  logits: string;
  /** Initializers fed as inputs (weights, running statistics); empty keeps them baked in. */
  weightInputs: readonly string[];
}

export interface EvalOptions {
  batchSize: number;
  loss?: CrossEntropyOptions;
  labels?: string;
  /** The provider the graph is built for (default the CPU): picks the label format and loss ops. */
  target?: ProviderTarget;
}

export interface EvalGraph {
  model: Model;
  images: string;
  labels: string;
  /** How the labels input is fed: int64 class ids [B] or float32 one-hot rows [B, C]. */
  labelFormat: LabelFormat;
  loss: string;
  logits: string;
  weightInputs: string[];
}

export function buildEvalGraph(src: EvalSource, opts: EvalOptions): EvalGraph {
  const { g, info, nodes } = startFromForward(
    { graph: src.graph, input: src.input, logits: src.logits, trainable: [] },
    opts.batchSize,
    'eval',
    src.weightInputs,
  );
  const formulation = formulationFor(opts.target ?? CPU_TARGET);
  if (formulation.foldSize) nodes.splice(0, nodes.length, ...foldStaticSize(nodes, (v) => info.shapes.get(v)?.shape));
  // Inference form: Dropout is the identity.
  for (const n of nodes) {
    if (n.opType === 'Dropout') g.nodes.push({ ...n, opType: 'Identity', inputs: [n.inputs[0]!], outputs: [n.outputs[0]!], attributes: {} });
    else g.nodes.push(n);
  }
  const ls = info.shapes.get(src.logits);
  if (!ls || ls.shape.length !== 2) throw new Error(`logits "${src.logits}" must be [batch, classes]`);
  const [n, c] = ls.shape as [number, number];
  const form = formulation.loss;
  const labelFormat = form.labels ?? 'int64';
  const labels = labelFormat === 'onehot' ? g.input(opts.labels ?? 'labels', 'float32', [n, c]) : g.input(opts.labels ?? 'labels', 'int64', [n]);
  const { loss } = emitCrossEntropy(g, src.logits, labels, n, c, opts.loss, form);
  const lossOut = g.fresh('loss');
  identity(g, loss, lossOut);
  g.output(lossOut, 'float32', []);
  g.output(src.logits, 'float32', [n, c]);
  return {
    model: makeModel(g.build(), 'CNN Studio eval: forward (inference) + cross-entropy'),
    images: src.input,
    labels,
    labelFormat,
    loss: lossOut,
    logits: src.logits,
    weightInputs: [...src.weightInputs],
  };
}

/** The eval inputs a train-step graph's weights and running statistics map to (same names). */
export function evalWeightNames(step: TrainStepGraph): string[] {
  return [...step.weights.map((w) => w.name), ...step.runningState.map((s) => s.name)];
}
