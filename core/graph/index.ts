/**
 * core/graph: the model document and everything derived from it. Public API:
 *
 *   analyze(doc): Analysis
 *     Validation + composite expansion + shape inference + metrics, in one pass (run it on every
 *     edit). `analysis.diagnostics` are `{node, param, code, severity, message, fixes, path?}`;
 *     `analysis.nodes` has per top-level node shapes/params/MACs/receptive field; `totals`.
 *   applyFix(doc, fix): ModelDocument          pure; applies a diagnostic's fix (a list of PatchOps)
 *   expandGraph(doc): ExpandedGraph             = analyze(doc).graph
 *     Primitives only, topological order. Each primitive: id, name (dotted, PyTorch-style, the
 *     weight prefix), type, params, inputs [{node, port}], inShapes/outShapes (batch omitted),
 *     weights [{name: '<name>.<suffix>', shape, init, role: 'param'|'buffer', trainable}], live.
 *     `graph.weights` lists the weights of live primitives (those an Output depends on).
 *   emitForward(graph, builder, weights, ctx): ForwardResult
 *     Appends the forward pass (ai.onnx opset 17) to a GraphBuilder.
 *       weights: null (values named exactly as the weights, e.g. 'conv1.weight'), a record
 *                weight name -> value name, or a function.
 *       ctx:     { training: boolean; dropout?: 'off'|'random'|'mask-input'; dropoutSeed?; batch?; inputs? }
 *     Input blocks become graph inputs named after the block ([batch, C, H, W]) unless
 *     ctx.inputs maps them; the caller declares graph outputs from `result.outputs` (logits).
 *     Inference: BatchNormalization with running stats; Dropout as Identity.
 *     Training:  batch norm as ReduceMean/Sub/Mul/Sqrt/Div on batch statistics (biased variance),
 *                running-stat updates (momentum, unbiased n/(n-1) variance) in
 *                `result.stateUpdates` [{weight: 'bn1.running_mean', value}];
 *                dropout: 'off' (default, identity, as the reference fixtures' train step),
 *                'random' (RandomUniformLike + Less + Cast, scaled by 1/(1-p)), or 'mask-input'
 *                (a graph input '<name>.mask' [N, ...shape] of 0 or 1/(1-p), in result.extraInputs).
 *   initWeight(w, random): Float32Array         PyTorch default initialization of one weight
 *   parseProject(text) / serializeProject(p)    versioned project file ('cnn-studio', version 1);
 *                                               throws only ProjectFileError {path, problem}
 *   trainingMemory(analysis, {batchSize, optimizer}) -> bytes breakdown
 *   DocBuilder                                   write documents in code (templates, tests)
 *
 * Blocks live in core/blocks (registry: BLOCKS, getBlock); templates in core/templates.
 */
export * from './types';
export * from './errors';
export * from './expanded';
export { analyze, type Analysis, type NodeReport, type Totals } from './analyze';
export { applyFix, applyPatch } from './apply-fix';
export { expandGraph } from './expand';
export { emitForward, type ForwardContext, type ForwardResult, type WeightBinding } from './emit';
export { DocBuilder, emptyDocument } from './doc-builder';
export { Namer, NAME_RE, sanitizeName } from './ids';
export { IMAGE_RF } from './receptive-field';
export { initWeight, seededRandom } from './init';
export { trainingMemory, type OptimizerKind, type TrainingMemory } from './memory';
export {
  parseProject,
  serializeProject,
  tryParseProject,
  validateProject,
  formatPath,
  migrate,
  MIGRATIONS,
  PROJECT_FORMAT,
  PROJECT_VERSION,
  type Project,
} from './project';
export { modelReport, type LayerRow, type ModelReport } from './report';
export { groupSelection } from './group-selection';
