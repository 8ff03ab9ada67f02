/**
 * A layered layout for imported graphs: each node sits one row below its deepest input
 * (longest path from the input), nodes of a row side by side in the order they were created.
 * Branches (inception, residual shortcuts) fan out into columns and meet again below.
 */
import type { ModelDocument, Position } from '../graph/types';

export const ROW_HEIGHT = 110;
export const COLUMN_WIDTH = 230;

export function layeredLayout(doc: Pick<ModelDocument, 'nodes' | 'edges'>): Map<string, Position> {
  const preds = new Map<string, string[]>();
  for (const e of doc.edges) {
    const l = preds.get(e.to.node);
    if (l) l.push(e.from.node);
    else preds.set(e.to.node, [e.from.node]);
  }
  // Nodes come in dependency order from the importer, so one pass sees every input first; an
  // input not seen yet (a hand-edited document) simply counts as row 0.
  const layer = new Map<string, number>();
  const rows = new Map<number, string[]>();
  for (const n of doc.nodes) {
    let d = 0;
    for (const p of preds.get(n.id) ?? []) d = Math.max(d, (layer.get(p) ?? -1) + 1);
    layer.set(n.id, d);
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
