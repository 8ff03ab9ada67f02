/**
 * Incremental layout after an edit: the drawing stays as the person left it, and room is made
 * where blocks grew, shrank or were added, so no two blocks overlap (pure; boxes in flow units).
 *
 * 1. A block whose size changed (expanded or collapsed) keeps its top and its centre x; every
 *    block whose top lies below its top moves down by the change in height (up when it shrank),
 *    as a row inserted into (or removed from) a table. Expanding then collapsing is a round trip.
 * 2. A new block to place goes under the block that feeds it, centred on it (or above the block
 *    it feeds when nothing feeds it).
 * 3. Whatever still overlaps is pushed down below what it hits, top to bottom: resized and placed
 *    blocks first (they are where the person looks), then the others, then new blocks that came
 *    with a position of their own (a drop lands beside what it would cover, not on it).
 */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface Size {
  width: number;
  height: number;
}
export interface Wire {
  from: string;
  to: string;
}

/** Vertical gap left under a block that something is pushed below (room for the shape label). */
export const GAP_Y = 44;
/** Boxes closer than this count as touching: two blocks never sit edge to edge. */
const CLEARANCE = 12;

export function overlaps(a: Box, b: Box, clearance = CLEARANCE): boolean {
  return a.x < b.x + b.width + clearance && b.x < a.x + a.width + clearance && a.y < b.y + b.height + clearance && b.y < a.y + a.height + clearance;
}

/**
 * New boxes for every node of `after` (id -> its current top-left and its new size), given the
 * boxes the same nodes had `before` the edit. `place`: new nodes to put next to their neighbours.
 */
export function reflow(
  before: ReadonlyMap<string, Box>,
  after: ReadonlyMap<string, Box>,
  wires: readonly Wire[],
  place: ReadonlySet<string> = new Set(),
): Map<string, Box> {
  const boxes = new Map<string, Box>();
  for (const [id, b] of after) boxes.set(id, { ...b });
  const resized = [...after.keys()].filter((id) => {
    const a = after.get(id)!;
    const b = before.get(id);
    return b !== undefined && (b.width !== a.width || b.height !== a.height);
  });
  makeRows(before, after, boxes, resized);
  const placed = placeNew(boxes, wires, place);
  const pinned = [...resized, ...placed];
  const fresh = [...after.keys()].filter((id) => !before.has(id) && !placed.includes(id));
  const rest = [...after.keys()].filter((id) => before.has(id) && !resized.includes(id));
  pushApart(boxes, [pinned, rest, fresh]);
  return boxes;
}

/** Step 1: rows inserted or removed where blocks changed height; centre x kept. */
function makeRows(before: ReadonlyMap<string, Box>, after: ReadonlyMap<string, Box>, boxes: Map<string, Box>, resized: readonly string[]): void {
  for (const [id, box] of boxes) {
    const top = before.get(id)?.y ?? box.y;
    let dy = 0;
    for (const r of resized) if (before.get(r)!.y < top) dy += after.get(r)!.height - before.get(r)!.height;
    box.y += dy;
  }
  for (const r of resized) boxes.get(r)!.x += (before.get(r)!.width - after.get(r)!.width) / 2;
}

/** Step 2: each new block under its first placed input (or above its first output). Returns those placed; one with neither keeps its position. */
function placeNew(boxes: Map<string, Box>, wires: readonly Wire[], place: ReadonlySet<string>): string[] {
  const done: string[] = [];
  const settled = (id: string) => boxes.has(id) && (!place.has(id) || done.includes(id));
  // In document order a chain of new blocks is placed one under the other.
  for (const id of place) {
    const box = boxes.get(id);
    if (!box) continue;
    const src = wires.find((w) => w.to === id && settled(w.from));
    const dst = wires.find((w) => w.from === id && settled(w.to));
    if (src) {
      const s = boxes.get(src.from)!;
      box.x = s.x + (s.width - box.width) / 2;
      box.y = s.y + s.height + GAP_Y;
    } else if (dst) {
      const d = boxes.get(dst.to)!;
      box.x = d.x + (d.width - box.width) / 2;
      box.y = d.y - GAP_Y - box.height;
    } else continue;
    done.push(id);
  }
  return done;
}

/** Step 3: each block, group by group and top to bottom, goes below every placed block it hits. */
function pushApart(boxes: Map<string, Box>, groups: readonly (readonly string[])[]): void {
  const settled: Box[] = [];
  const byTop = (ids: readonly string[]) => [...ids].sort((a, b) => boxes.get(a)!.y - boxes.get(b)!.y || boxes.get(a)!.x - boxes.get(b)!.x);
  for (const group of groups) {
    for (const id of byTop(group)) {
      const box = boxes.get(id)!;
      // Each push moves the box strictly down past one obstacle, so this ends.
      for (let hit = settled.find((s) => overlaps(s, box)); hit; hit = settled.find((s) => overlaps(s, box))) {
        box.y = hit.y + hit.height + GAP_Y;
      }
      settled.push(box);
    }
  }
}

/** Pairs of boxes that overlap (a drawing that needs a fresh layout when opened). */
export function overlapCount(boxes: readonly Box[]): number {
  const sorted = [...boxes].sort((a, b) => a.y - b.y);
  let n = 0;
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i]!;
    // Sorted by top: once a box starts below a's bottom, no later one can overlap a.
    for (let j = i + 1; j < sorted.length && sorted[j]!.y < a.y + a.height; j++) if (overlaps(a, sorted[j]!, 0)) n++;
  }
  return n;
}

/**
 * Whether a drawing opened from a file is unreadable as it stands: blocks that overlap (all at
 * one position, or no positions at all), or connections that mostly do not point down (every
 * block on one row: the horizontal strip older files were written as).
 */
export function needsLayout(boxes: ReadonlyMap<string, Box>, wires: readonly Wire[]): boolean {
  if (boxes.size < 2) return false;
  if (overlapCount([...boxes.values()]) > 0) return true;
  const drawn = wires.filter((w) => boxes.has(w.from) && boxes.has(w.to));
  const down = drawn.filter((w) => boxes.get(w.to)!.y > boxes.get(w.from)!.y).length;
  return drawn.length > 0 && down * 2 < drawn.length;
}
