/**
 * Layout of an expanded composite's primitives inside its frame: rows by longest path from the
 * composite's inputs, and each primitive stays in its first input's column when it can, so the
 * main path of a residual block runs straight down and the shortcut sits beside it. Cheap and
 * deterministic, so it runs on every analysis without a worker.
 */
import type { Primitive } from '../../core/graph/expanded';

export const PRIM_W = 184;
export const PRIM_H = 58;
const COL = PRIM_W + 28;
const ROW = PRIM_H + 34;
const PAD_X = 22;
const PAD_TOP = 64;
/** Wide enough for the frame's header (name, type, shape and parameters on two lines). */
const MIN_W = 280;
const PAD_BOTTOM = 26;

export interface InnerLayout {
  width: number;
  height: number;
  positions: Map<string, { x: number; y: number }>;
}

export function innerLayout(prims: readonly Primitive[]): InnerLayout {
  const local = new Set(prims.map((p) => p.id));
  const rank = new Map<string, number>();
  const col = new Map<string, number>();
  const taken = new Map<number, Set<number>>();
  const take = (r: number, c: number) => {
    let s = taken.get(r);
    if (!s) taken.set(r, (s = new Set()));
    s.add(c);
  };
  const free = (r: number, c: number) => !taken.get(r)?.has(c);
  let maxRank = 0;
  let maxCol = 0;
  // Primitives arrive in topological order, so inputs are placed before their consumers.
  for (const p of prims) {
    const ins = p.inputs.filter((i) => local.has(i.node));
    const r = ins.length ? Math.max(...ins.map((i) => rank.get(i.node)! + 1)) : 0;
    let c = ins.length ? col.get(ins[0]!.node)! : 0;
    while (!free(r, c)) c++;
    rank.set(p.id, r);
    col.set(p.id, c);
    take(r, c);
    maxRank = Math.max(maxRank, r);
    maxCol = Math.max(maxCol, c);
  }
  const positions = new Map<string, { x: number; y: number }>();
  const used = PAD_X * 2 + (maxCol + 1) * COL - (COL - PRIM_W);
  // Centre the columns in a frame widened for its header.
  const shift = Math.max(0, (MIN_W - used) / 2);
  for (const p of prims) positions.set(p.id, { x: shift + PAD_X + col.get(p.id)! * COL, y: PAD_TOP + rank.get(p.id)! * ROW });
  return {
    width: Math.max(MIN_W, PAD_X * 2 + (maxCol + 1) * COL - (COL - PRIM_W)),
    height: prims.length ? PAD_TOP + (maxRank + 1) * ROW - (ROW - PRIM_H) + PAD_BOTTOM : PAD_TOP + PAD_BOTTOM,
    positions,
  };
}
