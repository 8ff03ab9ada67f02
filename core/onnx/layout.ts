/**
 * A layered layout for imported graphs: each node sits one row below its deepest input
 * (longest path from the inputs), the nodes of a row side by side in document order. Branches
 * (inception, residual shortcuts) fan out into columns and meet again below.
 */
import type { ModelDocument, ModelEdge, ModelNode, Position } from '../graph/types';

export const ROW_HEIGHT = 110;
export const COLUMN_WIDTH = 230;

export function layeredLayout(doc: { nodes: readonly ModelNode[]; edges: readonly ModelEdge[] }): Map<string, Position> {
  const index = new Map(doc.nodes.map((n, i) => [n.id, i]));
  const succ = new Map<string, string[]>();
  const indeg = new Map<string, number>(doc.nodes.map((n) => [n.id, 0]));
  for (const e of doc.edges) {
    if (!index.has(e.from.node) || !index.has(e.to.node)) continue;
    const l = succ.get(e.from.node);
    if (l) l.push(e.to.node);
    else succ.set(e.from.node, [e.to.node]);
    indeg.set(e.to.node, indeg.get(e.to.node)! + 1);
  }
  // Kahn's order, so rows are right whatever order the document lists its nodes in; nodes on a
  // cycle (a broken hand-edited document) are never released and land in row 0.
  const layer = new Map<string, number>();
  const queue = doc.nodes.filter((n) => indeg.get(n.id) === 0).map((n) => n.id);
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head]!;
    const d = layer.get(id) ?? 0;
    layer.set(id, d);
    for (const s of succ.get(id) ?? []) {
      layer.set(s, Math.max(layer.get(s) ?? 0, d + 1));
      indeg.set(s, indeg.get(s)! - 1);
      if (indeg.get(s) === 0) queue.push(s);
    }
  }
  const rows = new Map<number, string[]>();
  for (const n of doc.nodes) {
    const d = layer.get(n.id) ?? 0;
    const row = rows.get(d);
    if (row) row.push(n.id);
    else rows.set(d, [n.id]);
  }
  const pos = new Map<string, Position>();
  for (const [d, ids] of rows) {
    ids.forEach((id, i) => pos.set(id, { x: Math.round((i - (ids.length - 1) / 2) * COLUMN_WIDTH), y: d * ROW_HEIGHT }));
  }
  return pos;
}

/** Lays out the document and every group definition inside it. */
export function layoutDocument(doc: ModelDocument): ModelDocument {
  const place = <T extends { nodes: ModelNode[]; edges: ModelEdge[] }>(g: T): T => {
    const pos = layeredLayout(g);
    return { ...g, nodes: g.nodes.map((n) => ({ ...n, position: pos.get(n.id) ?? n.position })) };
  };
  const top = place(doc);
  return { ...top, groups: doc.groups.map(place) };
}
