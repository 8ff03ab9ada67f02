/**
 * Editing commands shared by the toolbar, the keyboard and Electron's native menu, so each
 * behaves the same wherever it is invoked from.
 */
import { getBlock } from '../../core/blocks/index';
import { applyFix } from '../../core/graph/apply-fix';
import type { Fix, ModelDocument, Params, Position } from '../../core/graph/types';
import { useAnalysis } from './analysis';
import { useDoc } from './document';
import { addBlock, connect, copyItems, groupSelection, pasteClip, removeItems, ungroup, updateNode, type Clip } from './ops';
import { addedNodes, commitWithRoom } from './placement';
import { useUi } from './ui';

let clipboard: Clip | null = null;
let pasteCount = 0;

const topLevel = (ids: readonly string[]) => ids.filter((id) => !id.includes('/'));

export function undo(): void {
  useDoc.getState().undo();
}
export function redo(): void {
  useDoc.getState().redo();
}

export function deleteSelection(): void {
  const s = useDoc.getState();
  const next = removeItems(s.doc, topLevel(s.selection), s.selectedEdges);
  if (next !== s.doc) {
    s.commit(next);
    s.select([]);
  }
}

export function copySelection(): boolean {
  const s = useDoc.getState();
  const clip = copyItems(s.doc, topLevel(s.selection));
  if (!clip) return false;
  clipboard = clip;
  pasteCount = 0;
  return true;
}

export function cutSelection(): void {
  if (copySelection()) deleteSelection();
}

export function paste(): void {
  if (!clipboard) return;
  pasteCount++;
  const s = useDoc.getState();
  const r = pasteClip(s.doc, clipboard, { x: 40 * pasteCount, y: 40 * pasteCount });
  s.commit(r.doc);
  s.select(r.ids);
}

export function duplicate(): void {
  if (!copySelection()) return;
  paste();
}

export function selectAll(): void {
  const s = useDoc.getState();
  s.select(
    s.doc.nodes.map((n) => n.id),
    s.doc.edges.map((e) => e.id),
  );
}

/**
 * Adds a block. Clicked from the palette (no position) with one block selected, it goes under
 * that block and is wired to its output; when the selected block already feeds others, the new
 * block is inserted between them: it takes over every connection from that output, so a chain
 * (or a fork: all its branches) now runs through it. Blocks below move down to make room. It
 * becomes the selection, so a chain is built with clicks alone.
 */
export function addFromPalette(type: string, at: Position | null, fallback: Position, params?: Params): string {
  const s = useDoc.getState();
  const selected = topLevel(s.selection);
  const anchor = selected.length === 1 ? s.doc.nodes.find((n) => n.id === selected[0]) : undefined;
  const wired = !at && anchor !== undefined && anchor.type !== 'output' && getBlock(type) !== undefined && type !== 'input';
  const added = addBlock(s.doc, type, at ?? fallback, params);
  const id = added.id;
  let doc = added.doc;
  if (wired) doc = chainAfter(doc, anchor.id, id, type !== 'output');
  commitWithRoom(doc, { place: wired ? [id] : [] });
  s.select([id]);
  return id;
}

/** Wires `added` after `anchor`; with `insert`, the anchor's first output's connections move to `added`. */
function chainAfter(doc: ModelDocument, anchor: string, added: string, insert: boolean): ModelDocument {
  const onward = insert ? doc.edges.filter((e) => e.from.node === anchor && e.from.port === 0) : [];
  let next = removeItems(
    doc,
    [],
    onward.map((e) => e.id),
  );
  next = connect(next, { node: anchor, port: 0 }, { node: added, port: 0 }).doc;
  for (const e of onward) next = connect(next, { node: added, port: 0 }, e.to).doc;
  return next;
}

/** Applies a fix, placing the blocks it adds next to their neighbours. */
export function applyFixWithRoom(fix: Fix): void {
  const s = useDoc.getState();
  const next = applyFix(s.doc, fix);
  commitWithRoom(next, { place: addedNodes(s.doc, next) });
}

/** Expands or collapses the selected composites, making room; the (first) one changed stays in view. */
export function toggleExpandSelection(): void {
  const s = useDoc.getState();
  const views = useAnalysis.getState().views;
  let doc = s.doc;
  const changed: string[] = [];
  for (const id of topLevel(s.selection)) {
    const v = views.get(id);
    if (!v?.composite) continue;
    doc = updateNode(doc, id, { expanded: !v.expanded });
    changed.push(id);
  }
  // A selected primitive inside a frame collapses its frame.
  for (const id of s.selection.filter((x) => x.includes('/'))) {
    const frame = id.split('/')[0]!;
    doc = updateNode(doc, frame, { expanded: false });
    changed.push(frame);
  }
  if (doc === s.doc) return;
  commitWithRoom(doc, { view: true });
  if (changed[0]) useUi.getState().requestReveal(changed[0]);
}

export function setExpanded(id: string, expanded: boolean): void {
  const s = useDoc.getState();
  commitWithRoom(updateNode(s.doc, id, { expanded }), { view: true });
  useUi.getState().requestReveal(id);
}

/** Expand all / Collapse all: a change of view; the graph reflows and the view fits it. */
export function setAllExpanded(expanded: boolean): void {
  const s = useDoc.getState();
  const views = useAnalysis.getState().views;
  let doc = s.doc;
  for (const n of s.doc.nodes) if (views.get(n.id)?.composite && (n.expanded === true) !== expanded) doc = updateNode(doc, n.id, { expanded });
  if (doc === s.doc) return;
  commitWithRoom(doc, { view: true });
  useUi.getState().requestFit();
}

export function groupSelected(name: string): void {
  const s = useDoc.getState();
  const r = groupSelection(s.doc, topLevel(s.selection), name);
  if ('error' in r) {
    useUi.getState().toast('error', `Cannot group: ${r.error}`);
    return;
  }
  s.commit(r.doc);
  s.select([r.id]);
  useUi.getState().toast('ok', `Grouped into "${name}": set Repeat in the inspector to chain copies`);
}

export function ungroupSelected(): void {
  const s = useDoc.getState();
  const id = topLevel(s.selection)[0];
  if (!id) return;
  const r = ungroup(s.doc, id);
  if ('error' in r) {
    useUi.getState().toast('error', `Cannot ungroup: ${r.error}`);
    return;
  }
  s.commit(r.doc);
  s.select(r.ids);
}

export function clearSelection(): void {
  useDoc.getState().select([]);
}
