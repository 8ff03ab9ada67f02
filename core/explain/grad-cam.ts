/**
 * Grad-CAM (Selvaraju et al. 2017) on the studio's own autodiff. For an inference model, a layer
 * activation A (the output of a conv node, [1, C, h, w]) and a class k:
 *   alpha_c = (1 / (h w)) sum_ij d logit_k / d A_cij      (spatial mean of the gradient)
 *   L_ij    = ReLU(sum_c alpha_c A_cij)                    (at the layer's resolution, not normalised)
 * The gradient graph is the forward graph plus buildBackward seeded at the logits with a one-hot
 * row fed as an input, so one graph serves every class.
 */
import { GraphBuilder } from '../onnx/builder';
import type { Model, Node } from '../onnx/ir';
import { blockLayerNames } from '../onnx/layer-names';
import { readMetadata } from '../onnx/metadata';
import { buildBackward } from '../train/autodiff';
import { inferShapes } from '../train/shape-infer';

/** A conv layer as people name it (the block) and the ONNX value holding its output. */
export interface ConvLayer {
  name: string;
  value: string;
}

/** A request the person can fix (unknown layer, class out of range); the message says how. */
export class ExplainError extends Error {
  override readonly name = 'ExplainError';
}

/** Conv nodes by display name: the block the user named ("conv1", not "conv1/Conv"). */
export function convLayers(model: Model): ConvLayer[] {
  const convs = model.graph.nodes.filter((n) => n.opType === 'Conv' && n.outputs[0]);
  const names = blockLayerNames(
    convs.map((n) => n.name || n.outputs[0]!),
    'Conv',
  );
  return convs.map((n, i) => ({ name: names[i]!, value: n.outputs[0]! }));
}

/** The value the class scores live in: the input of a final Softmax, else the output named logits, else the first. */
export function logitsValue(model: Model): string {
  const { graph } = model;
  const outputs = graph.outputs.map((o) => o.name);
  for (const o of outputs) {
    const producer = graph.nodes.find((n) => n.outputs.includes(o));
    if (producer?.opType === 'Softmax' && producer.inputs[0]) return producer.inputs[0];
  }
  if (outputs.includes('logits')) return 'logits';
  if (!outputs[0]) throw new ExplainError('the model has no outputs');
  return outputs[0];
}

/** The conv layer named `layer` (default: the last one), or an error naming the valid ones. */
export function pickConvLayer(model: Model, layer: string | undefined): ConvLayer {
  const convs = convLayers(model);
  if (convs.length === 0) throw new ExplainError('the model has no conv layer: Grad-CAM needs one');
  const list = convs.map((c) => c.name).join(', ');
  if (layer === undefined) return convs[convs.length - 1]!;
  const found = convs.find((c) => c.name === layer);
  if (found) return found;
  const other = otherLayerOp(model.graph.nodes, layer);
  if (other) throw new ExplainError(`layer "${layer}" is a ${other} layer, not a conv layer; Grad-CAM needs a conv layer: ${list}`);
  throw new ExplainError(`the model has no layer "${layer}"; its conv layers are: ${list}`);
}

/** The op type of a non-conv node whose block (or node) name is `layer`. */
function otherLayerOp(nodes: readonly Node[], layer: string): string | undefined {
  for (const n of nodes) {
    const stem = n.name.replace(new RegExp(`/${n.opType}(?:_\\d+)?$`), '');
    if (n.opType !== 'Conv' && (stem === layer || n.name === layer)) return n.opType;
  }
  return undefined;
}

/**
 * Symbolic dims of the image input bound for one image: batch 1, and channels, height and width
 * from the model's stored input size (a model from elsewhere may leave H and W open).
 */
function symbolicImageDims(model: Model): Record<string, number> {
  const { inputSize } = readMetadata(model);
  const inits = new Set(model.graph.initializers.map((t) => t.name));
  const input = model.graph.inputs.find((i) => !inits.has(i.name));
  const dims: Record<string, number> = {};
  const sizes = [1, ...inputSize];
  input?.shape.forEach((d, i) => {
    if (typeof d === 'string' && sizes[i] !== undefined) dims[d] = sizes[i];
  });
  return dims;
}

export interface GradCamGraph {
  /** Inference model extended with the backward pass; run it with `input` and `seed`. */
  model: Model;
  layer: ConvLayer;
  /** Image input name ([1, C, H, W]). */
  input: string;
  /** One-hot class row [1, classes]: d logit_k / d logits. */
  seed: string;
  logits: string;
  /** The layer's activation and d logit_k / d activation, both [1, C, h, w]. */
  activation: string;
  gradient: string;
  classes: number;
  /** [C, h, w] of the layer. */
  layerShape: [number, number, number];
}

/** Builds the Grad-CAM graph of `model` for a conv layer (default: the last). */
export function buildGradCamGraph(model: Model, layerName?: string): GradCamGraph {
  const layer = pickConvLayer(model, layerName);
  const src = model.graph;
  const info = inferShapes(src, { batch: 1, dims: symbolicImageDims(model) });
  const logits = logitsValue(model);
  const ls = info.shapes.get(logits)?.shape;
  if (!ls || ls.length !== 2) throw new ExplainError(`the model's class scores "${logits}" are not [batch, classes]`);
  const g = new GraphBuilder('grad_cam');
  const inits = new Set(src.initializers.map((t) => t.name));
  const imageInputs = src.inputs.filter((i) => !inits.has(i.name));
  if (imageInputs.length !== 1) throw new ExplainError(`the model takes ${imageInputs.length} inputs; Grad-CAM needs one image input`);
  const input = imageInputs[0]!.name;
  g.input(input, 'float32', info.shapes.get(input)!.shape);
  for (const t of src.initializers) g.initializer(t.name, t.dtype, t.dims, t.data, true);
  for (const n of src.nodes) for (const o of n.outputs) if (o && !g.has(o)) g.reserve(o);
  for (const n of src.nodes) if (n.name && !g.has(n.name)) g.reserve(n.name);
  g.nodes.push(...src.nodes);
  const classes = ls[1]!;
  const seed = g.input(g.has('class_seed') ? g.fresh('class_seed') : 'class_seed', 'float32', [1, classes]);
  // MaxPool is differentiated from x and y (first maximum found again): no Indices output to add.
  const back = buildBackward({
    graph: src,
    info,
    seeds: { [logits]: seed },
    wrt: [layer.value],
    builder: g,
    options: { maxPoolIndices: false, fuseBatchNorm: false, trimConvTaps: false, denseSmallMaps: false },
  });
  const gradient = back.grads.get(layer.value)!;
  const as = info.shapes.get(layer.value)!.shape;
  if (as.length !== 4) throw new ExplainError(`layer "${layer.name}" gives a ${as.length}-D output; Grad-CAM needs [N, C, H, W]`);
  g.output(layer.value, 'float32', as);
  g.output(gradient, 'float32', as);
  g.output(logits, 'float32', ls);
  const graph = g.build();
  const [, c, h, w] = as as [number, number, number, number];
  return {
    model: { ...model, graph, metadata: { ...model.metadata } },
    layer,
    input,
    seed,
    logits,
    activation: layer.value,
    gradient,
    classes,
    layerShape: [c, h, w],
  };
}

/**
 * The Grad-CAM map from one image's activation and gradient ([C, h, w] each, channel-major):
 * rows of ReLU(sum_c alpha_c A_c), alpha_c the spatial mean of channel c's gradient.
 */
export function gradCamHeatmap(activation: ArrayLike<number>, gradient: ArrayLike<number>, shape: readonly [number, number, number]): number[][] {
  const [c, h, w] = shape;
  const plane = h * w;
  if (activation.length !== c * plane || gradient.length !== c * plane)
    throw new Error(`Grad-CAM: expected ${c * plane} values per map, got ${activation.length} and ${gradient.length}`);
  const sum = new Float64Array(plane);
  for (let ch = 0; ch < c; ch++) {
    let alpha = 0;
    for (let i = 0; i < plane; i++) alpha += gradient[ch * plane + i]!;
    alpha /= plane;
    for (let i = 0; i < plane; i++) sum[i]! += alpha * activation[ch * plane + i]!;
  }
  return Array.from({ length: h }, (_, y) => Array.from({ length: w }, (_, x) => Math.max(0, sum[y * w + x]!)));
}

/** The one-hot seed row for class `k` of `classes`, after checking the range. */
export function classSeed(k: number, classes: number): Float32Array {
  if (!Number.isInteger(k) || k < 0 || k >= classes)
    throw new ExplainError(`class ${k} is out of range: the model has ${classes} classes (0 to ${classes - 1})`);
  const seed = new Float32Array(classes);
  seed[k] = 1;
  return seed;
}

/** Softmax of one row of logits (max subtracted for stability). */
export function softmax(logits: ArrayLike<number>): number[] {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  const e = Array.from({ length: logits.length }, (_, i) => Math.exp(logits[i]! - max));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / total);
}
