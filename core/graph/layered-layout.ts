/**
 * A small top-to-bottom layered layout for documents written in code (templates, the CLI, ONNX
 * import), so a file opens readable in the editor without it. Each block's row is its longest
 * path from a block nothing feeds, so every connection points down; a row's blocks sit side by
 * side, ordered by where their inputs are (fewer crossings), and centred on x = 0; rows are
 * stacked under the tallest block of the row above plus a gap. The editor's L (elkjs) refines
 * branches; this one only has to be readable and free of overlaps.
 */
import type { Position } from './types';

export interface BlockBox {
  width: number;
  height: number;
}

/**
 * The editor draws a collapsed block 212 wide and at most 90 tall (two parameter lines); a
 * little more keeps a layout made with this box free of overlaps when drawn.
 */
export const COLLAPSED_BLOCK: BlockBox = { width: 212, height: 96 };
const ROW_GAP = 54;
const COL_GAP = 48;

interface Wire {
  from: { node: string };
  to: { node: string };
}

/** Row of every node: longest path from a source. Nodes on a cycle go one row below the rest. */
function rows(ids: readonly string[], edges: readonly Wire[]): Map<string, number> {
  const known = new Set(ids);
  const inDegree = new Map(ids.map((id) => [id, 0]));
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of edges) {
    if (!known.has(e.from.node) || !known.has(e.to.node) || e.from.node === e.to.node) continue;
    out.get(e.from.node)!.push(e.to.node);
    inDegree.set(e.to.node, inDegree.get(e.to.node)! + 1);
  }
  const row = new Map<string, number>();
  const ready = ids.filter((id) => inDegree.get(id) === 0);
  for (const id of ready) row.set(id, 0);
  // Kahn's order: a node is placed once every input is, one row below the lowest of them.
  for (let i = 0; i < ready.length; i++) {
    const id = ready[i]!;
    for (const next of out.get(id)!) {
      row.set(next, Math.max(row.get(next) ?? 0, row.get(id)! + 1));
      inDegree.set(next, inDegree.get(next)! - 1);
      if (inDegree.get(next) === 0) ready.push(next);
    }
  }
  const placed = new Set(ready);
  const last = Math.max(-1, ...row.values());
  for (const id of ids) if (!placed.has(id)) row.set(id, last + 1);
  return row;
}

/** Top-left positions, top to bottom, for `nodes` (document order breaks ties within a row). */
export function layeredPositions(
  nodes: readonly { id: string }[],
  edges: readonly Wire[],
  box: (id: string) => BlockBox = () => COLLAPSED_BLOCK,
): Map<string, Position> {
  const ids = nodes.map((n) => n.id);
  const row = rows(ids, edges);
  const byRow: string[][] = [];
  for (const id of ids) (byRow[row.get(id)!] ??= []).push(id);
  const positions = new Map<string, Position>();
  const centre = new Map<string, number>();
  let y = 0;
  for (const members of byRow) {
    if (!members) continue;
    // Order a row by the mean centre of each block's inputs (the barycentre heuristic).
    const key = (id: string) => {
      const xs = edges.filter((e) => e.to.node === id && centre.has(e.from.node)).map((e) => centre.get(e.from.node)!);
      return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
    };
    const ordered = members.map((id, i) => ({ id, i, k: key(id) })).sort((a, b) => a.k - b.k || a.i - b.i);
    const width = ordered.reduce((w, o) => w + box(o.id).width, 0) + COL_GAP * (ordered.length - 1);
    let x = -width / 2;
    let tallest = 0;
    for (const { id } of ordered) {
      const b = box(id);
      positions.set(id, { x: Math.round(x), y });
      centre.set(id, x + b.width / 2);
      x += b.width + COL_GAP;
      tallest = Math.max(tallest, b.height);
    }
    y += tallest + ROW_GAP;
  }
  return positions;
}
