/**
 * Static shape inference over the ONNX IR for the ops that CNN forward graphs, batch-norm lowering
 * and losses use. Every dim is a number: symbolic dims of graph inputs are bound by `dims` (or all
 * to `batch`), because a training graph is built for one batch size (ORT sessions are static anyway).
 *
 * Small int64 constants (initializers, Constant nodes, Shape of a static value and simple
 * arithmetic on those) are folded so that Reshape / Unsqueeze / Slice targets are known.
 */
import type { Graph, Node } from '../onnx/ir';
import { opRecord } from '../ops/registry';
import { ShapeContext, tensorNumbers, type ValueShape } from '../ops/shape-context';

export { broadcastShapes, type ValueShape } from '../ops/shape-context';

export interface ShapeInfo {
  shapes: Map<string, ValueShape>;
  /** Folded int64 (and small float) constants by value name. */
  consts: Map<string, number[]>;
}

export interface ShapeInferOptions {
  /** Binds a symbolic dim name to a number, e.g. { batch: 64 }. */
  dims?: Record<string, number>;
  /** Binds every symbolic dim not in `dims` (typically the batch size). */
  batch?: number;
}

/**
 * Infers the dtype and static shape of every value in `graph` (nodes must be topologically
 * sorted, as ONNX requires). Throws with the node name when an op or a dynamic shape is unsupported.
 */
export function inferShapes(graph: Graph, opts: ShapeInferOptions = {}): ShapeInfo {
  const shapes = new Map<string, ValueShape>();
  const consts = new Map<string, number[]>();
  const bind = (d: number | string): number => {
    if (typeof d === 'number') return d;
    const v = opts.dims?.[d] ?? opts.batch;
    if (v === undefined) throw new Error(`symbolic dim "${d}" is not bound (pass batch or dims)`);
    return v;
  };
  for (const t of graph.initializers) {
    shapes.set(t.name, { dtype: t.dtype, shape: [...t.dims] });
    const v = tensorNumbers(t);
    if (v) consts.set(t.name, v);
  }
  for (const i of graph.inputs) if (!shapes.has(i.name)) shapes.set(i.name, { dtype: i.dtype, shape: i.shape.map(bind) });
  for (const node of graph.nodes) inferNode(node, shapes, consts);
  return { shapes, consts };
}

/**
 * Infers one node's outputs into `shapes` by its op's shape rule (core/ops; exported so that graph
 * rewrites can extend a ShapeInfo).
 */
export function inferNode(node: Node, shapes: Map<string, ValueShape>, consts: Map<string, number[]>): void {
  const c = new ShapeContext(node, shapes, consts);
  const rule = opRecord(node.opType)?.shape;
  if (!rule) throw new Error(`${c.where()}: no shape rule for op ${node.opType}`);
  rule(c);
}
