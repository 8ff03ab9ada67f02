/**
 * The palette's search: finds blocks by the names people use for them (their label, type and
 * declared aliases, such as `fc` or `AdaptiveAvgPool2d`) and by words of their description.
 * Names are compared without case, spaces, dashes or underscores, so `maxpool`, `Max Pool` and
 * `max_pool` are one name.
 */
import type { BlockDef } from './define';

/** `Max Pool 2D` -> `maxpool2d`. */
export function normalizeName(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** 0: a name equals the query; 1: a name starts with it; 2: a name contains it; 3: the description does; null: no match. */
function score(b: BlockDef, q: string): number | null {
  const names = [b.label, b.type, ...(b.aliases ?? [])].map(normalizeName);
  if (names.includes(q)) return 0;
  if (names.some((n) => n.startsWith(q))) return 1;
  if (names.some((n) => n.includes(q))) return 2;
  return `${b.category} ${b.description}`.toLowerCase().includes(q) ? 3 : null;
}

function rank(blocks: readonly BlockDef[], q: string): BlockDef[] {
  const hits: { b: BlockDef; s: number; i: number }[] = [];
  blocks.forEach((b, i) => {
    const s = score(b, q);
    if (s !== null) hits.push({ b, s, i });
  });
  return hits.sort((x, y) => x.s - y.s || x.i - y.i).map((h) => h.b);
}

/**
 * Blocks matching `query`, best first (registry order among equals); every block for an empty
 * query. A variant that is no block of its own (`relu6`, `conv3`) finds its family: without
 * matches, the query is tried again without its trailing digits.
 */
export function searchBlocks(blocks: readonly BlockDef[], query: string): BlockDef[] {
  const q = normalizeName(query);
  if (!q) return [...blocks];
  const found = rank(blocks, q);
  const family = q.replace(/\d+$/, '');
  return found.length > 0 || family === q || family.length < 2 ? found : rank(blocks, family);
}

/**
 * The alias a search found the block by, when its label does not show the query (`softmax`
 * finds "Output (classifier)"): the palette names it, so the hit does not look like a mistake.
 */
export function matchedAlias(b: BlockDef, query: string): string | null {
  const q = normalizeName(query);
  const family = q.replace(/\d+$/, '');
  // The same two tries as searchBlocks: the query, then its family name.
  for (const t of family !== q && family.length >= 2 ? [q, family] : [q]) {
    if (!t || normalizeName(b.label).includes(t) || normalizeName(b.type).includes(t)) return null;
    const alias = (b.aliases ?? []).find((a) => normalizeName(a).includes(t));
    if (alias) return alias;
  }
  return null;
}
