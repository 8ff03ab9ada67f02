/**
 * Commits an edit with room made for it: expanded or collapsed composites, blocks inserted by a
 * palette click or a fix. Positions are adjusted in the same commit, so the edit and its layout
 * are one undo step (renderer/layout/reflow.ts has the rules).
 */
import type { ModelDocument } from '../../core/graph/types';
import { nodeSize } from '../editor/node-size';
import { needsLayout, reflow, type Box, type Wire } from '../layout/reflow';
import { deriveAnalysis, useAnalysis, type AnalysisState } from './analysis';
import { useDoc } from './document';
import { moveNodes } from './ops';

/** Every top-level block's box as the canvas draws it for this analysis. */
export function boxesOf(doc: ModelDocument, a: AnalysisState): Map<string, Box> {
  return new Map(doc.nodes.map((n) => [n.id, { ...n.position, ...nodeSize(a.views.get(n.id), a.primsByOrigin.get(n.id)) }]));
}

export const wiresOf = (doc: ModelDocument): Wire[] => doc.edges.map((e) => ({ from: e.from.node, to: e.to.node }));

const analysisOf = (doc: ModelDocument): AnalysisState => {
  const cur = useAnalysis.getState();
  return cur.doc === doc ? cur : deriveAnalysis(doc, cur.views);
};

/** `next` with positions that leave room for what changed since `prev`. */
export function withRoom(prev: ModelDocument, next: ModelDocument, place: readonly string[] = []): ModelDocument {
  const boxes = reflow(boxesOf(prev, analysisOf(prev)), boxesOf(next, deriveAnalysis(next, useAnalysis.getState().views)), wiresOf(next), new Set(place));
  return moveNodes(next, new Map([...boxes].map(([id, b]) => [id, { x: b.x, y: b.y }])));
}

/** Commits `next` after making room. `view`: a change of view (expand, collapse), not an edit. */
export function commitWithRoom(next: ModelDocument, opts: { place?: readonly string[]; view?: boolean } = {}): ModelDocument {
  const s = useDoc.getState();
  const laid = withRoom(s.doc, next, opts.place);
  s.commit(laid, opts.view ? { view: true } : undefined);
  return laid;
}

/** New nodes of `next` (not in `prev`), in document order. */
export function addedNodes(prev: ModelDocument, next: ModelDocument): string[] {
  const had = new Set(prev.nodes.map((n) => n.id));
  return next.nodes.filter((n) => !had.has(n.id)).map((n) => n.id);
}

/** Whether an opened document's drawing is unreadable as it stands (see needsLayout). */
export function drawingNeedsLayout(doc: ModelDocument): boolean {
  return needsLayout(boxesOf(doc, deriveAnalysis(doc, null)), wiresOf(doc));
}
