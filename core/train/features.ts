/**
 * Cached backbone features: with a frozen backbone (inference mode, no gradient) and no
 * augmentation, the backbone maps each image to the same features every epoch. These builders
 * split a studio model at that boundary (core/train/freeze.ts featureBoundary):
 * - the feature extractor: the frozen part alone, in inference form, image -> features;
 * - the head step: the train step with the features as its input and the frozen part removed.
 * Feeding the head step the extractor's features computes what the whole step computes.
 */
import { GraphBuilder } from '../onnx/builder';
import type { Graph, ValueInfo } from '../onnx/ir';
import { emitForward, expandGraph, type ExpandedGraph, type ModelDocument } from '../graph/index';
import { buildTrainStep, makeModel, type TrainStepGraph } from './build-train-step';
import { featureBoundary } from './freeze';
import { studioForward } from './studio';
import type { TrainStepOptions } from './build-train-step';
import type { DropoutMode } from '../blocks/define';
import type { Model } from '../onnx/ir';

/** Keeps only the nodes, inputs and initializers the graph's outputs need; `cut` values become inputs. */
export function pruneToOutputs(graph: Graph, cut: readonly ValueInfo[] = []): Graph {
  const cutNames = new Set(cut.map((v) => v.name));
  const needed = new Set(graph.outputs.map((o) => o.name));
  const kept = [];
  for (let k = graph.nodes.length - 1; k >= 0; k--) {
    const n = graph.nodes[k]!;
    if (!n.outputs.some((o) => o && needed.has(o) && !cutNames.has(o))) continue;
    kept.push(n);
    for (const i of n.inputs) if (i) needed.add(i);
  }
  kept.reverse();
  return {
    ...graph,
    nodes: kept,
    inputs: [...graph.inputs.filter((v) => needed.has(v.name) && !cutNames.has(v.name)), ...cut.filter((v) => needed.has(v.name))],
    initializers: graph.initializers.filter((t) => needed.has(t.name)),
    valueInfo: graph.valueInfo.filter((v) => needed.has(v.name)),
  };
}

export interface FeatureExtractor {
  /** Where the frozen part ends: the primitive output holding the features. */
  ref: { node: string; port: number };
  model: Model;
  /** Image input name. */
  images: string;
  /** Features output name, and its per-sample shape. */
  features: string;
  shape: number[];
  /** Weight names fed as inputs (the frozen blocks' weights and running statistics). */
  weightInputs: string[];
}

/** The frozen part of `doc` as an inference graph image -> features, or why it has none. */
export function buildFeatureExtractor(doc: ModelDocument | ExpandedGraph): FeatureExtractor | { reason: string } {
  const expanded = 'weights' in doc && 'ok' in doc ? doc : expandGraph(doc);
  const boundary = featureBoundary(expanded);
  if ('reason' in boundary) return boundary;
  const g = new GraphBuilder('features');
  for (const w of expanded.weights) g.input(w.name, 'float32', w.shape);
  const res = emitForward(expanded, g, null, { training: false });
  const features = res.values.get(boundary.ref.node)![boundary.ref.port]!;
  g.output(features, 'float32', ['N', ...boundary.shape]);
  const graph = pruneToOutputs(g.build());
  const images = res.inputs[0]!.value;
  const weightInputs = graph.inputs.map((v) => v.name).filter((n) => n !== images);
  return {
    ref: boundary.ref,
    model: makeModel(graph, 'CNN Studio feature extractor: the frozen blocks in inference form'),
    images,
    features,
    shape: boundary.shape,
    weightInputs,
  };
}

/**
 * The train step of `doc` on precomputed features: the full step's graph cut at the features
 * value (now the images input, [B, ...shape]), without the frozen nodes and their weights.
 */
export function buildHeadStep(
  doc: ModelDocument | ExpandedGraph,
  opts: TrainStepOptions & { dropout?: DropoutMode },
): { step: TrainStepGraph; features: FeatureExtractor } | { reason: string } {
  const expanded = 'weights' in doc && 'ok' in doc ? doc : expandGraph(doc);
  const extractor = buildFeatureExtractor(expanded);
  if ('reason' in extractor) return extractor;
  const forward = studioForward(expanded, true, opts.dropout ?? 'off');
  const step = buildTrainStep(forward.source, opts);
  const graph = step.model.graph;
  const features = forward.values.get(extractor.ref.node)![extractor.ref.port]!;
  if (!graph.nodes.some((n) => n.outputs.includes(features))) return { reason: `the train step has no value "${features}" after its rewrites` };
  const cut: ValueInfo = { name: features, dtype: 'float32', shape: [step.batchSize, ...extractor.shape] };
  const pruned = pruneToOutputs(graph, [cut]);
  const inputs = new Set(pruned.inputs.map((v) => v.name));
  if (inputs.has(step.images)) return { reason: 'the trained blocks read the image itself' };
  return {
    step: { ...step, model: { ...step.model, graph: pruned }, images: features, extraInputs: step.extraInputs.filter((v) => inputs.has(v.name)) },
    features: extractor,
  };
}
