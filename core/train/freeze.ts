/**
 * Freezing for fine-tuning: which top-level blocks `--freeze backbone | none | <block>` freezes,
 * and where the frozen part hands its output to the trained part (the features a run may cache).
 *
 * Order: top-level blocks in topological order, i.e. the order in which their first primitive
 * appears in the expanded graph (core/graph/analyze.ts sorts primitives topologically).
 *
 * The classifier head starts at the last block, in that order, that has parameters: the Output
 * block itself when its head is dense (a Linear to the classes), or the last block with weights
 * before an identity Output (e.g. a 1x1 conv classifier followed by global pooling). Everything
 * before the head is the backbone.
 */
import { expandGraph, type ExpandedGraph, type ModelDocument, type PrimitiveRef } from '../graph/index';

/** What `--freeze` accepts besides a block name. */
export const FREEZE_KEYWORDS = ['none', 'backbone'] as const;

export class FreezeError extends Error {}

/** Live top-level node ids in topological order (the order of their first primitive). */
export function topLevelOrder(expanded: ExpandedGraph): string[] {
  const seen = new Set<string>();
  const order: string[] = [];
  for (const p of expanded.nodes) {
    if (!p.live || seen.has(p.origin)) continue;
    seen.add(p.origin);
    order.push(p.origin);
  }
  return order;
}

/** Index (in topLevelOrder) of the first block of the classifier head. */
export function headStart(expanded: ExpandedGraph, order: readonly string[]): number {
  const withParams = new Set<string>();
  for (const p of expanded.nodes) if (p.live && p.paramCount > 0) withParams.add(p.origin);
  for (let i = order.length - 1; i >= 0; i--) if (withParams.has(order[i]!)) return i;
  throw new FreezeError('the model has no block with parameters, so it has no classifier head to train');
}

/**
 * The top-level block names worth offering for --freeze, in order: from the first block with
 * weights (freezing up to the input or a pooling before it would freeze nothing) to the last
 * block before the head. frozenIds still accepts any block name before the head.
 */
export function freezableBlocks(doc: ModelDocument): string[] {
  const expanded = expandGraph(doc);
  const order = topLevelOrder(expanded);
  const withParams = new Set(expanded.nodes.filter((p) => p.live && p.paramCount > 0).map((p) => p.origin));
  const first = order.findIndex((id) => withParams.has(id));
  const names = new Map(doc.nodes.map((n) => [n.id, n.name]));
  return order
    .slice(Math.max(0, first), headStart(expanded, order))
    .map((id) => names.get(id)!)
    .filter((n) => n !== undefined);
}

/**
 * The ids of the top-level blocks `spec` freezes: none, the backbone (everything before the head),
 * or every block up to and including the one named `spec`.
 */
export function frozenIds(doc: ModelDocument, spec: string): Set<string> {
  if (spec === 'none') return new Set();
  const expanded = expandGraph(doc);
  if (!expanded.ok) throw new FreezeError('the model has errors: fix them before choosing what to freeze');
  const order = topLevelOrder(expanded);
  const head = headStart(expanded, order);
  if (spec === 'backbone') return new Set(order.slice(0, head));
  const node = doc.nodes.find((n) => n.name === spec);
  const at = node ? order.indexOf(node.id) : -1;
  const names = order.slice(0, head).map((id) => doc.nodes.find((n) => n.id === id)?.name ?? id);
  const listed = names.length > 12 ? `${names.slice(0, 12).join(', ')}, ...` : names.join(', ');
  if (at < 0) throw new FreezeError(`--freeze: the model has no block named "${spec}"; use none, backbone or one of: ${listed}`);
  if (at >= head)
    throw new FreezeError(`--freeze ${spec}: "${spec}" is part of the classifier head, so nothing would be left to train; use backbone or one of: ${listed}`);
  return new Set(order.slice(0, at + 1));
}

/** The document with exactly the blocks `spec` names frozen (every other block trainable). */
export function applyFreeze(doc: ModelDocument, spec: string): ModelDocument {
  const ids = frozenIds(doc, spec);
  return { ...doc, nodes: doc.nodes.map((n) => ({ ...n, frozen: ids.has(n.id) })) };
}

/**
 * The one value where the frozen part of the graph feeds the trained part, or why there is none
 * to cache: nothing frozen, the image itself, or several values crossing the boundary.
 */
export function featureBoundary(expanded: ExpandedGraph): { ref: PrimitiveRef; shape: number[] } | { reason: string } {
  const byId = new Map(expanded.nodes.map((p) => [p.id, p]));
  const crossing = new Map<string, PrimitiveRef>();
  let anyFrozen = false;
  for (const p of expanded.nodes) {
    if (!p.live) continue;
    if (p.frozen) {
      anyFrozen = true;
      continue;
    }
    for (const r of p.inputs) if (byId.get(r.node)?.frozen) crossing.set(`${r.node}:${r.port}`, r);
  }
  if (!anyFrozen) return { reason: 'no block is frozen' };
  const refs = [...crossing.values()];
  if (refs.length !== 1) return { reason: `${refs.length} values cross from the frozen blocks to the trained ones (caching needs exactly one)` };
  const ref = refs[0]!;
  const producer = byId.get(ref.node)!;
  if (producer.type === 'input') return { reason: 'only blocks without weights are frozen: the features are the images themselves' };
  if (expanded.nodes.some((p) => p.live && !p.frozen && p.type !== 'input' && p.inputs.some((r) => byId.get(r.node)?.type === 'input'))) {
    return { reason: 'a trained block reads the image directly' };
  }
  return { ref, shape: [...producer.outShapes[ref.port]!] };
}
