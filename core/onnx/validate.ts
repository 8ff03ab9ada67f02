/**
 * Structural checks on a decoded model: the things that make a file unusable whatever runtime
 * opens it (names that resolve to nothing, cycles, an opset nobody supports). Runtimes report
 * these as cryptic failures deep inside session creation; here they become one sentence.
 */
import type { Graph, Model, Node } from './ir';
import { OnnxFormatError } from './errors';

/** Opsets of the default domain the studio reads; 26 is the newest onnxruntime-node 1.30 loads. */
export const MIN_OPSET = 7;
export const MAX_OPSET = 26;
/**
 * Export: every op the blocks emit for inference has its current meaning since opset 11 (pools'
 * ceil_mode since 10; Softmax over the last axis of N x classes is the same before and after 13).
 * Kept here, beside MAX_OPSET, so the page's opset list and the CLI read the same range.
 */
export const MIN_EXPORT_OPSET = 11;
export const DEFAULT_OPSET = 17;
/** Every opset an export may target, oldest first (the Export panel's list, the CLI's --opset). */
export const EXPORT_OPSETS: readonly number[] = Array.from({ length: MAX_OPSET - MIN_EXPORT_OPSET + 1 }, (_, i) => MIN_EXPORT_OPSET + i);
/** ONNX IR versions onnxruntime-node 1.30 accepts (measured: 13 loads, 14 does not). */
export const MIN_IR_VERSION = 3;
export const MAX_IR_VERSION = 13;

export function defaultOpset(model: Model): number | undefined {
  return model.opsetImports.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version;
}

function describe(n: Node): string {
  return `node "${n.name}" (${n.opType})`;
}

/**
 * Orders nodes so each comes after the producers of its inputs (ONNX requires this; some
 * writers do not honour it) and reports values nobody produces and cycles.
 */
export function topologicalOrder(graph: Graph): Node[] {
  const available = new Set<string>(['']);
  for (const v of graph.inputs) available.add(v.name);
  for (const t of graph.initializers) available.add(t.name);

  const producer = new Map<string, number>();
  graph.nodes.forEach((n, i) => {
    for (const o of n.outputs) {
      if (o === '') continue;
      if (producer.has(o) || (available.has(o) && o !== '')) {
        throw new OnnxFormatError('invalid-graph', `value "${o}" is produced twice (by ${describe(n)} and another node, input or initializer)`);
      }
      producer.set(o, i);
    }
  });

  const pending = new Array<number>(graph.nodes.length).fill(0);
  const consumers = new Map<string, number[]>();
  graph.nodes.forEach((n, i) => {
    for (const inp of n.inputs) {
      if (available.has(inp)) continue;
      if (!producer.has(inp)) {
        throw new OnnxFormatError(
          'missing-value',
          `${describe(n)} reads "${inp}", which no node, graph input or initializer provides (a missing initializer?)`,
        );
      }
      pending[i]!++;
      const list = consumers.get(inp);
      if (list) list.push(i);
      else consumers.set(inp, [i]);
    }
  });

  const order: Node[] = [];
  const queue: number[] = [];
  pending.forEach((p, i) => p === 0 && queue.push(i));
  for (let head = 0; head < queue.length; head++) {
    const i = queue[head]!;
    const n = graph.nodes[i]!;
    order.push(n);
    for (const o of n.outputs) {
      for (const c of consumers.get(o) ?? []) if (--pending[c]! === 0) queue.push(c);
    }
  }
  if (order.length < graph.nodes.length) {
    const stuck = graph.nodes.filter((_, i) => pending[i]! > 0);
    const names = stuck.slice(0, 3).map(describe).join(', ');
    throw new OnnxFormatError('cycle', `the graph has a cycle: ${names}${stuck.length > 3 ? ` and ${stuck.length - 3} more` : ''} depend on their own outputs`);
  }
  return order;
}

/** Throws OnnxFormatError on the first problem; on success puts nodes in topological order. */
export function validateModel(model: Model): Model {
  if (!Number.isSafeInteger(model.irVersion) || model.irVersion < MIN_IR_VERSION) {
    throw new OnnxFormatError('malformed', `ir_version ${model.irVersion} is missing or older than ${MIN_IR_VERSION}`);
  }
  if (model.irVersion > MAX_IR_VERSION) {
    throw new OnnxFormatError('unsupported', `ir_version ${model.irVersion} is newer than the ${MAX_IR_VERSION} this version of the studio reads`);
  }
  const opset = defaultOpset(model);
  if (opset === undefined) throw new OnnxFormatError('opset', 'the model declares no opset for the default ONNX domain');
  if (opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new OnnxFormatError('opset', `opset ${opset} is not supported (supported: ${MIN_OPSET} to ${MAX_OPSET})`);
  }
  const g = model.graph;
  if (g.inputs.length === 0) throw new OnnxFormatError('invalid-graph', 'the graph has no inputs');
  if (g.outputs.length === 0) throw new OnnxFormatError('invalid-graph', 'the graph has no outputs');
  const inputNames = new Set<string>();
  for (const v of g.inputs) {
    if (v.name === '') throw new OnnxFormatError('invalid-graph', 'a graph input has no name');
    if (inputNames.has(v.name)) throw new OnnxFormatError('invalid-graph', `graph input "${v.name}" is declared twice`);
    inputNames.add(v.name);
  }
  const initNames = new Set<string>();
  for (const t of g.initializers) {
    if (initNames.has(t.name)) throw new OnnxFormatError('invalid-graph', `initializer "${t.name}" is declared twice`);
    initNames.add(t.name);
  }
  for (const n of g.nodes) {
    if (n.domain && n.domain !== '' && !model.opsetImports.some((o) => o.domain === n.domain)) {
      throw new OnnxFormatError('opset', `${describe(n)} uses domain "${n.domain}", for which the model declares no opset`);
    }
  }
  const order = topologicalOrder(g);
  const produced = new Set<string>([...inputNames, ...initNames, ...g.nodes.flatMap((n) => n.outputs)]);
  for (const o of g.outputs) {
    if (!produced.has(o.name)) throw new OnnxFormatError('missing-value', `graph output "${o.name}" is produced by no node`);
  }
  // Assigned in place (no spread): a graph can have more nodes than a call may take arguments.
  for (let i = 0; i < order.length; i++) g.nodes[i] = order[i]!;
  return model;
}
