/**
 * ONNX model -> editable model document + weights. Ops map to blocks (import-ops.ts) with their
 * parameters and weights; what has no block stays an "ONNX op" block, so the imported document
 * always computes exactly what the file did. The final classifier becomes the Output block (its
 * Softmax, if any, is the Output's probabilities) and the graph is laid out in rows.
 */
import type { ModelDocument, ModelEdge, ModelNode } from '../graph/types';
import type { Model } from './ir';
import { OnnxFormatError } from './errors';
import { ImportContext, type ImportWarning, type Plan } from './import-context';
import { blockImportMapper, genericPlan } from './import-ops';
import { BLOCKS } from '../blocks/index';
import { opRecord } from '../ops/registry';
import { UniqueNames } from './import-names';
import { layoutDocument } from './layout';
import { recoverModules } from './import-structure';
import { recoverComposites } from './import-composites';
import { readMetadata, type ModelMetadata } from './metadata';
import { defaultOpset, validateModel } from './validate';

/** Module nesting depth the importer recovers blocks through (block inside block inside block). */
const MAX_MODULE_PASSES = 3;

export interface ImportOptions {
  /** [channels, height, width] when the file leaves height/width symbolic. */
  inputSize?: [number, number, number];
  /** Group each residual unit / inception module into a block named after it, and make exact
   *  matches Residual / Inception blocks (default true). */
  recoverModules?: boolean;
}

export interface ImportResult {
  document: ModelDocument;
  /** Studio weight name (`<block name>.<suffix>`) -> float32 data: the model's checkpoint. */
  weights: Map<string, Float32Array>;
  /** Preprocessing and class names from the file's metadata (defaults where absent). */
  metadata: ModelMetadata;
  warnings: ImportWarning[];
  /** ONNX op type -> how many became which block type (for `info` and the import summary). */
  mapping: Record<string, Record<string, number>>;
  /** Modules recovered as groups (`layer1.0`, `inc3a`). */
  modules: string[];
  /** Those of them that are exactly a studio composite, now that block: `layer1 (residual)`. */
  composites: string[];
}

function imageInput(model: Model, opts: ImportOptions): { name: string; shape: [number, number, number] } {
  const inits = new Set(model.graph.initializers.map((t) => t.name));
  const inputs = model.graph.inputs.filter((i) => !inits.has(i.name));
  if (inputs.length !== 1) {
    throw new OnnxFormatError(
      'unsupported',
      `the model has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}); the studio imports models with one image input`,
    );
  }
  const inp = inputs[0]!;
  if (inp.dtype !== 'float32') throw new OnnxFormatError('unsupported', `input "${inp.name}" is ${inp.dtype}; the studio imports float32 image models`);
  if (inp.shape.length !== 4) {
    throw new OnnxFormatError('unsupported', `input "${inp.name}" has shape [${inp.shape.join(', ')}]; the studio imports image models with an N×C×H×W input`);
  }
  const dims = inp.shape.slice(1).map((d, i) => (typeof d === 'number' && d > 0 ? d : opts.inputSize?.[i]));
  if (dims.some((d) => d === undefined)) {
    throw new OnnxFormatError(
      'unsupported',
      `input "${inp.name}" has shape [${inp.shape.join(', ')}] with a symbolic channel, height or width; give the input size to import it`,
    );
  }
  return { name: inp.name, shape: dims as [number, number, number] };
}

function isLastAxisSoftmax(ctx: ImportContext, p: Plan | undefined): p is Plan {
  if (!p || p.dropped || p.source?.opType !== 'Softmax' || p.inputs.length !== 1) return false;
  const rank = ctx.perSample(p.outputs[0] ?? '')?.length;
  const axis = p.source.attributes.axis;
  return !axis || (axis.kind === 'int' && (axis.value === -1 || axis.value === rank));
}

/**
 * The value the classifier's logits come from: a studio export's "logits", else output 0, less
 * a final Softmax. Softmax outputs of the logits (a studio export's "probabilities") are the
 * Output block's own probabilities and are dropped; other extra outputs are reported.
 */
function logitsValue(ctx: ImportContext, model: Model): string {
  const outs = model.graph.outputs.map((o) => o.name);
  let v = outs.includes('logits') ? 'logits' : outs[0]!;
  for (let guard = 0; guard < 4; guard++) {
    const p = ctx.producerOf(v);
    if (!isLastAxisSoftmax(ctx, p)) break;
    p.dropped = true;
    v = p.inputs[0]!;
  }
  const logits = ctx.canon(v);
  for (const o of outs) {
    if (ctx.canon(o) === logits) continue;
    const p = ctx.producerOf(o);
    if (isLastAxisSoftmax(ctx, p) && ctx.canon(p.inputs[0]!) === logits) p.dropped = true;
    else ctx.warn(o, `extra graph output "${o}" is not imported (the studio's model has one classifier output)`);
  }
  return logits;
}

function outputPlan(ctx: ImportContext, v: string): Plan {
  const shape = ctx.perSample(v);
  if (!shape || shape.length !== 1) {
    throw new OnnxFormatError(
      'unsupported',
      `the model's output is N×${shape?.join('×') ?? '?'}; the studio imports image classifiers whose output is N×classes`,
    );
  }
  const head = ctx.producerOf(v);
  const sharedElsewhere = ctx.plans.some((p) => p !== head && !p.dropped && p.inputs.includes(v));
  if (head && !head.dropped && head.type === 'dense' && !sharedElsewhere) {
    // The last dense layer is the classifier head: the Output block holds it (with a bias).
    head.type = 'output';
    const units = head.params.units as number;
    if (!head.weights.has('bias')) {
      head.weights.set('bias', new Float32Array(units));
      ctx.warn(head.nameBase, 'the classifier layer had no bias; the Output block adds a zero bias');
    }
    head.params = { classes: units, head: 'dense' };
    return head;
  }
  return ctx.add({
    type: 'output',
    nameBase: 'output',
    params: { classes: shape[0]!, head: 'identity' },
    inputs: [v],
    outputs: ['__logits'],
    weights: new Map(),
    source: null,
  });
}

/** The mapper of the block that declares `importOp` for this op type, if any (read at each import, so registered blocks count). */
function blockImportOf(opType: string): ReturnType<typeof blockImportMapper> | undefined {
  for (const b of BLOCKS) {
    if (b.kind === 'primitive' && b.importOp?.op === opType) return blockImportMapper(b.type, b.nameStem ?? b.type, (n) => b.importOp!.params(n));
  }
  return undefined;
}

export function importOnnx(model: Model, opts: ImportOptions = {}): ImportResult {
  validateModel(model);
  const input = imageInput(model, opts);
  const ctx = new ImportContext(model.graph, input.name, input.shape, defaultOpset(model) ?? 17);
  const inputPlan = ctx.add({
    type: 'input',
    nameBase: 'input',
    params: { channels: input.shape[0], height: input.shape[1], width: input.shape[2] },
    inputs: [],
    outputs: [input.name],
    weights: new Map(),
    source: null,
  });

  for (const n of model.graph.nodes) {
    if ((n.opType === 'Constant' || n.opType === 'Identity') && !n.domain) continue;
    // Shape arithmetic on constants only (Shape -> Gather -> Concat ...) is folded, not imported.
    if (!n.inputs.some((i) => ctx.isData(i))) continue;
    const mapper = n.domain ? undefined : opRecord(n.opType)?.import;
    if (mapper && mapper(n, ctx)) continue;
    const own = n.domain ? undefined : blockImportOf(n.opType);
    if (own && own(n, ctx)) continue;
    genericPlan(n, ctx);
  }

  const out = outputPlan(ctx, logitsValue(ctx, model));

  // Keep what the output depends on: shape-only side chains and absorbed ops fall away.
  const live = new Set<Plan>();
  const stack: Plan[] = [out];
  while (stack.length > 0) {
    const p = stack.pop()!;
    if (live.has(p)) continue;
    live.add(p);
    for (const v of p.inputs) {
      const src = ctx.producerOf(v);
      if (!src) throw new OnnxFormatError('invalid-graph', `value "${v}" feeding block "${p.nameBase}" has no producer after import`);
      stack.push(src);
    }
  }
  if (!live.has(inputPlan)) throw new OnnxFormatError('unsupported', 'the model output does not depend on its input');
  const ordered = ctx.plans.filter((p) => live.has(p) && !p.dropped);

  const names = new UniqueNames();
  const nodes: ModelNode[] = [];
  const edges: ModelEdge[] = [];
  const idOf = new Map<Plan, string>();
  const weights = new Map<string, Float32Array>();
  const mapping: Record<string, Record<string, number>> = {};
  ordered.forEach((p, i) => {
    const id = `n${i + 1}`;
    idOf.set(p, id);
    const name = names.take(p.nameBase);
    nodes.push({ id, type: p.type, name, params: p.params, position: { x: 0, y: 0 } });
    for (const [suffix, data] of p.weights) weights.set(`${name}.${suffix}`, data);
    const op = p.source?.opType ?? (p.type === 'input' ? 'graph input' : 'graph output');
    const m = (mapping[op] ??= {});
    m[p.type] = (m[p.type] ?? 0) + 1;
    p.inputs.forEach((v, port) => {
      const src = ctx.producerOf(v)!;
      const srcPort = Math.max(
        0,
        src.outputs.findIndex((o) => ctx.canon(o) === ctx.canon(v)),
      );
      edges.push({ id: `e${edges.length + 1}`, from: { node: idOf.get(src)!, port: srcPort }, to: { node: id, port } });
    });
  });
  let document: ModelDocument = { nodes, edges, groups: [] };
  let modules: string[] = [];
  let composites: string[] = [];
  if (opts.recoverModules !== false) {
    // Modules nest (an MBConv holds a squeeze-excite): a pass groups the innermost modules not yet
    // grouped and turns exact matches into blocks, so the next pass can group the module around one.
    for (let pass = 0; pass < MAX_MODULE_PASSES; pass++) {
      const found = recoverModules(document);
      const made = recoverComposites(found.doc);
      document = made.doc;
      modules = [...modules, ...found.modules];
      composites = [...composites, ...made.replaced];
      if (made.replaced.length === 0) break;
    }
  }
  document = layoutDocument(document);

  const metadata = readMetadata(model);
  return { document, weights, metadata, warnings: ctx.warnings, mapping, modules, composites };
}
