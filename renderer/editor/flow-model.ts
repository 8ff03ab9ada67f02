/**
 * The React Flow view of the document: one node per block, a frame with read-only inner nodes
 * for each expanded composite, and edges labelled with the shape they carry. Objects are reused
 * when nothing they show changed, so React Flow only updates what an edit touched.
 */
import type { Edge, Node } from '@xyflow/react';
import type { Primitive } from '../../core/graph/expanded';
import type { ModelDocument, Position } from '../../core/graph/types';
import type { AnalysisState } from '../state/analysis';
import { shapeText } from '../format';
import { innerLayout } from './inner-layout';

export interface BlockData extends Record<string, unknown> {
  id: string;
}
export interface FrameData extends Record<string, unknown> {
  id: string;
  width: number;
  height: number;
}
export interface PrimData extends Record<string, unknown> {
  primId: string;
}
export interface ShapeEdgeData extends Record<string, unknown> {
  label: string;
  /** The source produced no shape (it or something upstream has an error). */
  unknown: boolean;
  inner: boolean;
}

export type FlowNode = Node<BlockData, 'block'> | Node<FrameData, 'frame'> | Node<PrimData, 'prim'>;
export type FlowEdge = Edge<ShapeEdgeData, 'shape'>;

/** Returns the previous object for `id` when its key is unchanged, so React Flow skips it. */
class Interner<T> {
  private readonly m = new Map<string, { key: unknown[]; v: T }>();
  get(id: string, key: unknown[], make: () => T): T {
    const old = this.m.get(id);
    if (old && old.key.length === key.length && old.key.every((k, i) => k === key[i])) return old.v;
    const v = make();
    this.m.set(id, { key, v });
    return v;
  }
}
const nodeCache = new Interner<FlowNode>();
const edgeCache = new Interner<FlowEdge>();

export function buildFlow(
  doc: ModelDocument,
  a: AnalysisState,
  selection: ReadonlySet<string>,
  selectedEdges: ReadonlySet<string>,
): { nodes: FlowNode[]; edges: FlowEdge[] } {
  const nodes: FlowNode[] = [];
  const edges: FlowEdge[] = [];
  for (const n of doc.nodes) {
    const view = a.views.get(n.id);
    const prims = a.primsByOrigin.get(n.id);
    const sel = selection.has(n.id);
    if (view?.composite && view.expanded && prims?.length) {
      expandedFrame(n.id, n.position, sel, prims, doc, a, selection, nodes, edges);
      continue;
    }
    nodes.push(nodeCache.get(n.id, [n.position, sel, 'block'], () => ({ id: n.id, type: 'block', position: n.position, selected: sel, data: { id: n.id } })));
  }
  for (const e of doc.edges) {
    const shape = a.analysis.nodes.get(e.from.node)?.outShapes[e.from.port] ?? null;
    const label = shapeText(shape);
    const sel = selectedEdges.has(e.id);
    edges.push(
      edgeCache.get(e.id, [e.from.node, e.from.port, e.to.node, e.to.port, label, sel], () => ({
        id: e.id,
        type: 'shape',
        source: e.from.node,
        target: e.to.node,
        sourceHandle: `o${e.from.port}`,
        targetHandle: `i${e.to.port}`,
        selected: sel,
        data: { label, unknown: shape === null, inner: false },
      })),
    );
  }
  return { nodes, edges };
}

const innerEdge = (id: string, source: string, sourceHandle: string, target: string, targetHandle: string, label: string): FlowEdge => ({
  id,
  type: 'shape',
  source,
  target,
  sourceHandle,
  targetHandle,
  selectable: false,
  focusable: false,
  data: { label, unknown: false, inner: true },
});

/** An expanded composite: the frame, its primitives, and the connections among and into them. */
function expandedFrame(
  id: string,
  position: Position,
  sel: boolean,
  prims: readonly Primitive[],
  doc: ModelDocument,
  a: AnalysisState,
  selection: ReadonlySet<string>,
  nodes: FlowNode[],
  edges: FlowEdge[],
): void {
  const lay = innerLayout(prims);
  nodes.push(
    nodeCache.get(id, [position, sel, lay.width, lay.height, 'frame'], () => ({
      id,
      type: 'frame',
      position,
      selected: sel,
      data: { id, width: lay.width, height: lay.height },
      style: { width: lay.width, height: lay.height },
      width: lay.width,
      height: lay.height,
    })),
  );
  for (const p of prims) {
    const pos = lay.positions.get(p.id)!;
    const psel = selection.has(p.id);
    nodes.push(
      nodeCache.get(p.id, [pos.x, pos.y, psel, id], () => ({
        id: p.id,
        type: 'prim',
        parentId: id,
        position: pos,
        selected: psel,
        draggable: false,
        connectable: false,
        data: { primId: p.id },
      })),
    );
  }
  const local = new Set(prims.map((p) => p.id));
  const inEdges = doc.edges.filter((e) => e.to.node === id);
  for (const p of prims) {
    p.inputs.forEach((r, port) => {
      const src = a.primById.get(r.node);
      if (local.has(r.node)) {
        const label = src ? shapeText(src.outShapes[r.port]) : '?';
        const eid = `${r.node}:${r.port}>${p.id}:${port}`;
        edges.push(edgeCache.get(eid, [label], () => innerEdge(eid, r.node, `o${r.port}`, p.id, `i${port}`, label)));
      } else {
        // Fed from outside: from the frame's input port that carries it.
        const de = inEdges.find((e) => e.from.node === src?.origin) ?? inEdges[0];
        const handle = `e${de?.to.port ?? 0}`;
        const eid = `${id}:${handle}>${p.id}:${port}`;
        edges.push(edgeCache.get(eid, [handle], () => innerEdge(eid, id, handle, p.id, `i${port}`, '')));
      }
    });
  }
  // Inner primitives that feed blocks outside: to the frame's output port.
  const outEdges = doc.edges.filter((e) => e.from.node === id);
  const seen = new Set<string>();
  for (const ge of a.analysis.graph.edges) {
    if (!local.has(ge.from.node) || local.has(ge.to.node)) continue;
    const consumer = a.primById.get(ge.to.node);
    const de = outEdges.find((e) => e.to.node === consumer?.origin);
    if (!de) continue;
    const eid = `${ge.from.node}:${ge.from.port}>${id}:x${de.from.port}`;
    if (seen.has(eid)) continue;
    seen.add(eid);
    edges.push(edgeCache.get(eid, [], () => innerEdge(eid, ge.from.node, `o${ge.from.port}`, id, `x${de.from.port}`, '')));
  }
}
