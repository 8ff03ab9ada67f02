/**
 * Model document -> deployable ONNX inference model: input `input` [N, C, H, W] (dynamic batch),
 * outputs `logits` and `probabilities` (Softmax), weights from a checkpoint or freshly
 * initialised, batch norm as BatchNormalization or folded into the preceding conv, node names
 * from block names, and metadata_props describing preprocessing and classes (metadata.ts).
 */
import { expandGraph } from '../graph/expand';
import { emitForward } from '../graph/emit';
import { initWeight, seededRandom } from '../graph/init';
import type { ExpandedGraph, ExpandedWeight, Primitive } from '../graph/expanded';
import type { ModelDocument } from '../graph/types';
import { STUDIO_VERSION } from '../version';
import { GraphBuilder } from './builder';
import type { Model, OpsetImport } from './ir';
import { metadataProps, type ColorMode, type ModelMetadata, type ResizeMode } from './metadata';
import { foldBatchNorm } from './fold-bn';
import { DEFAULT_OPSET, MAX_OPSET, MIN_EXPORT_OPSET } from './validate';
import { plural } from '../text/plural';

export { DEFAULT_OPSET, MIN_EXPORT_OPSET };

export type WeightSource = ReadonlyMap<string, Float32Array> | Readonly<Record<string, Float32Array>>;

export interface ExportOptions {
  /** ai.onnx opset (default 17; 11 to 26, what onnxruntime-node 1.30 loads). */
  opset?: number;
  /** Weights by studio name (`conv1.weight`); any missing one is freshly initialised. */
  weights?: WeightSource;
  /** Seed for freshly initialised weights (default 0: reproducible exports). */
  seed?: number;
  /** Fold each batch norm that directly follows a conv into that conv's weights and bias. */
  foldBatchNorm?: boolean;
  modelName?: string;
  classNames?: string[];
  colorMode?: ColorMode;
  mean?: number[];
  std?: number[];
  /** How predict brings images to the input size (default 'stretch', as training does by default). */
  resize?: ResizeMode;
}

export interface ExportResult {
  model: Model;
  /** Weights that were not in `weights` and were freshly initialised. */
  initialized: string[];
  /** Checkpoint entries the model does not use, and other things worth telling the user. */
  warnings: string[];
  /** Learnable parameters in the exported file (after folding, if any). */
  paramCount: number;
}

export class ExportError extends Error {
  override readonly name = 'ExportError';
}

/** The ONNX IR version that goes with an opset (onnx's VERSION_TABLE). */
export function irVersionFor(opset: number): number {
  if (opset <= 17) return 8;
  if (opset <= 20) return 9;
  if (opset <= 22) return 10;
  if (opset <= 24) return 11;
  return 12;
}

function lookup(src: WeightSource | undefined, name: string): Float32Array | undefined {
  if (!src) return undefined;
  if (src instanceof Map) return src.get(name);
  return (src as Readonly<Record<string, Float32Array>>)[name];
}

function sourceNames(src: WeightSource | undefined): string[] {
  if (!src) return [];
  return src instanceof Map ? [...src.keys()] : Object.keys(src);
}

/** Every weight the live graph needs, from the checkpoint where it has them. */
function gatherWeights(graph: ExpandedGraph, opts: ExportOptions, initialized: string[]): Map<string, Float32Array> {
  const random = seededRandom(opts.seed ?? 0);
  const out = new Map<string, Float32Array>();
  for (const w of graph.weights) {
    const size = w.shape.reduce((a, d) => a * d, 1);
    const given = lookup(opts.weights, w.name);
    if (given) {
      if (given.length !== size) {
        throw new ExportError(
          `weight "${w.name}" has ${given.length} values in the checkpoint; the model needs shape [${w.shape.join(', ')}] (${size} values)`,
        );
      }
      out.set(w.name, given);
    } else {
      out.set(w.name, initWeight(w, random));
      initialized.push(w.name);
    }
  }
  return out;
}

function liveOutputs(graph: ExpandedGraph): Primitive[] {
  return graph.nodes.filter((p) => p.live && p.type === 'output');
}

export function exportOnnx(doc: ModelDocument, opts: ExportOptions = {}): ExportResult {
  const opset = opts.opset ?? DEFAULT_OPSET;
  if (!Number.isInteger(opset) || opset < MIN_EXPORT_OPSET || opset > MAX_OPSET) {
    throw new ExportError(`opset ${opset} is not supported for export (use ${MIN_EXPORT_OPSET} to ${MAX_OPSET}; default ${DEFAULT_OPSET})`);
  }
  let graph = expandGraph(doc);
  if (!graph.ok) {
    const errs = graph.diagnostics.filter((d) => d.severity === 'error');
    throw new ExportError(
      `the model has ${errs.length} error(s); fix them before exporting: ${errs
        .slice(0, 3)
        .map((d) => d.message)
        .join('; ')}`,
    );
  }
  const inputs = graph.nodes.filter((p) => p.live && p.type === 'input');
  const outputs = liveOutputs(graph);
  if (inputs.length !== 1) throw new ExportError(`export needs exactly one Input block feeding the Output; the model has ${inputs.length}`);
  if (outputs.length !== 1) throw new ExportError(`export needs exactly one Output block; the model has ${outputs.length}`);

  const warnings: string[] = [];
  const initialized: string[] = [];
  let weights = gatherWeights(graph, opts, initialized);
  const used = new Set(graph.weights.map((w) => w.name));
  const unused = sourceNames(opts.weights).filter((n) => !used.has(n));
  if (unused.length > 0)
    warnings.push(
      `${plural(unused.length, 'checkpoint weight')} ${unused.length === 1 ? 'is' : 'are'} not used by this model: ${unused.slice(0, 5).join(', ')}${unused.length > 5 ? ', ...' : ''}`,
    );
  if (opts.foldBatchNorm) {
    const folded = foldBatchNorm(graph, weights);
    graph = folded.graph;
    weights = folded.weights;
    if (folded.folded === 0) warnings.push('--fold-bn: no batch norm directly follows a conv; nothing was folded');
  }

  const input = inputs[0]!;
  const output = outputs[0]!;
  const [c, h, w] = input.outShapes[0] as [number, number, number];
  const classes = output.outShapes[0]![0]!;
  const g = new GraphBuilder(opts.modelName ?? 'cnn_studio_model');
  g.input('input', 'float32', ['N', c, h, w]);
  const liveWeights: ExpandedWeight[] = graph.nodes.filter((p) => p.live).flatMap((p) => p.weights);
  for (const wt of liveWeights) g.initializer(wt.name, 'float32', [...wt.shape], weights.get(wt.name)!, true);

  const fwd = emitForward(graph, g, null, { training: false, inputs: { [input.name]: 'input' }, opset });
  const logitsValue = fwd.outputs[0]!.value;
  // The Output block's last op writes the graph output directly: no extra Identity in the file.
  const producer = g.nodes.find((n) => n.outputs.includes(logitsValue));
  if (producer && logitsValue !== 'input') {
    g.reserve('logits');
    producer.outputs = producer.outputs.map((o) => (o === logitsValue ? 'logits' : o));
    for (const n of g.nodes) n.inputs = n.inputs.map((i) => (i === logitsValue ? 'logits' : i));
  } else {
    g.op('Identity', [logitsValue], {}, { outputNames: ['logits'], name: 'Identity' });
  }
  g.op('Softmax', ['logits'], { axis: -1 }, { outputNames: ['probabilities'], name: 'Softmax' });
  g.output('logits', 'float32', ['N', classes]);
  g.output('probabilities', 'float32', ['N', classes]);
  for (const note of fwd.notes) warnings.push(note);
  // Imported ops without a block are written as they were read; across opsets an op's inputs
  // and attributes can differ (Squeeze's axes became an input at 13, Reduce*'s at 18).
  const foreign = graph.nodes.filter((p) => p.live && p.type === 'onnx-op' && p.params.opset !== opset);
  if (foreign.length > 0) {
    const ops = [...new Set(foreign.map((p) => `${String(p.params.opType)} (opset ${String(p.params.opset)})`))].join(', ');
    warnings.push(
      `${plural(foreign.length, 'imported ONNX op')} ${foreign.length === 1 ? 'is' : 'are'} written unchanged into an opset-${opset} model: ${ops}; export with --opset ${String(foreign[0]!.params.opset)} if onnxruntime rejects them`,
    );
  }

  const domains = new Set(g.nodes.map((n) => n.domain ?? '').filter((d) => d !== ''));
  const opsetImports: OpsetImport[] = [{ domain: '', version: opset }, ...[...domains].map((d) => ({ domain: d, version: 1 }))];
  const meta: ModelMetadata = {
    modelName: opts.modelName ?? 'cnn_studio_model',
    classNames: opts.classNames && opts.classNames.length === classes ? opts.classNames : Array.from({ length: classes }, (_, i) => `class_${i}`),
    inputSize: [c, h, w],
    colorMode: opts.colorMode ?? (c === 1 ? 'grayscale' : 'rgb'),
    mean: opts.mean ?? new Array<number>(c).fill(0),
    std: opts.std ?? new Array<number>(c).fill(1),
    studioVersion: STUDIO_VERSION,
    resize: opts.resize ?? 'stretch',
  };
  if (opts.classNames && opts.classNames.length !== classes) {
    warnings.push(`${opts.classNames.length} class names given for ${classes} outputs; generic names written instead`);
  }
  const model: Model = {
    irVersion: irVersionFor(opset),
    opsetImports,
    producerName: 'CNN Studio',
    producerVersion: STUDIO_VERSION,
    graph: g.build(),
    metadata: metadataProps(meta),
    docString: `${meta.modelName}: exported by CNN Studio ${STUDIO_VERSION}`,
  };
  const paramCount = graph.nodes
    .filter((p) => p.live)
    .flatMap((p) => p.weights)
    .filter((x) => x.role === 'param')
    .reduce((a, x) => a + x.shape.reduce((m, d) => m * d, 1), 0);
  return { model, initialized, warnings, paramCount };
}
