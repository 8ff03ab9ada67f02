/**
 * The thin adapter from studio documents to training graphs: expandGraph + emitForward (core
 * model) give a forward graph whose weights are graph inputs named PyTorch-style; the generic
 * builders (build-train-step, build-eval) do the rest, exactly as for an imported ONNX graph.
 */
import type { DropoutMode } from '../blocks/define';
import { GraphBuilder } from '../onnx/builder';
import { emitForward, expandGraph, type ExpandedGraph, type ExpandedWeight, type ModelDocument } from '../graph/index';
import { buildEvalGraph, type EvalGraph, type EvalOptions } from './build-eval';
import { buildTrainStep, type TrainableGraph, type TrainStepGraph, type TrainStepOptions } from './build-train-step';
import { planDataParallel, type DataParallelStep } from './data-parallel';

export interface StudioForward {
  source: TrainableGraph;
  /** Weights of live primitives (params and buffers) with shapes and init rules. */
  weights: ExpandedWeight[];
  /** Output value names per primitive id (to find a value such as the frozen part's features). */
  values: ReadonlyMap<string, string[]>;
}

/** Emits a document's forward pass (training or inference form) with every weight as a graph input. */
export function studioForward(doc: ModelDocument | ExpandedGraph, training: boolean, dropout: DropoutMode = 'off'): StudioForward {
  const expanded = 'nodes' in doc && 'weights' in doc ? (doc as ExpandedGraph) : expandGraph(doc as ModelDocument);
  const g = new GraphBuilder(training ? 'forward_train' : 'forward');
  for (const w of expanded.weights) g.input(w.name, 'float32', w.shape);
  const res = emitForward(expanded, g, null, { training, dropout });
  if (res.inputs.length !== 1) throw new Error(`training needs exactly one image input, the model has ${res.inputs.length}`);
  if (res.outputs.length !== 1) throw new Error(`training needs exactly one output, the model has ${res.outputs.length}`);
  const out = res.outputs[0]!;
  g.output(out.value, 'float32', out.shape);
  const stateUpdates: Record<string, string> = {};
  for (const u of res.stateUpdates) stateUpdates[u.weight] = u.value;
  return {
    source: {
      graph: g.build(),
      input: res.inputs[0]!.value,
      logits: out.value,
      trainable: expanded.weights.filter((w) => w.role === 'param' && w.trainable).map((w) => w.name),
      stateUpdates,
    },
    weights: expanded.weights,
    values: res.values,
  };
}

export function buildStudioTrainStep(
  doc: ModelDocument | ExpandedGraph,
  opts: TrainStepOptions & { dropout?: DropoutMode },
): { step: TrainStepGraph; weights: ExpandedWeight[] } {
  const f = studioForward(doc, true, opts.dropout ?? 'off');
  return { step: buildTrainStep(f.source, opts), weights: f.weights };
}

export function buildStudioEval(doc: ModelDocument | ExpandedGraph, opts: EvalOptions): { evalGraph: EvalGraph; weights: ExpandedWeight[] } {
  const f = studioForward(doc, false);
  const weightInputs = f.weights.map((w) => w.name);
  return { evalGraph: buildEvalGraph({ graph: f.source.graph, input: f.source.input, logits: f.source.logits, weightInputs }, opts), weights: f.weights };
}

/** The data-parallel form of a studio train step (core/train/data-parallel.ts), or why it has none. */
export function buildStudioDataParallel(
  doc: ModelDocument | ExpandedGraph,
  opts: TrainStepOptions & { dropout?: DropoutMode },
  step: TrainStepGraph,
  shards: number,
): DataParallelStep | { reason: string } {
  return planDataParallel(studioForward(doc, true, opts.dropout ?? 'off').source, opts, step, shards);
}
