/**
 * Editing commands shared by the toolbar, the keyboard and Electron's native menu, so each
 * behaves the same wherever it is invoked from.
 */
import { getBlock } from '../../core/blocks/index';
import type { ModelDocument, Params, Position } from '../../core/graph/types';
import { useAnalysis } from './analysis';
import { useDoc } from './document';
import { addBlock, connect, copyItems, groupSelection, pasteClip, removeItems, ungroup, updateNode, type Clip } from './ops';
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
  s.select(s.doc.nodes.map((n) => n.id), s.doc.edges.map((e) => e.id));
}

/** Where a block added by click goes: under the selected block, or at `fallback`. */
function below(doc: ModelDocument, id: string | undefined): Position | null {
  const n = id ? doc.nodes.find((x) => x.id === id) : undefined;
  if (!n) return null;
  const frame = useAnalysis.getState().views.get(n.id);
  const h = frame?.expanded ? 400 : 150;
  // Step right past blocks already there, so a new branch never lands on top of one.
  const pos = { x: n.position.x, y: n.position.y + h };
  const hit = (p: Position) => doc.nodes.some((m) => Math.abs(m.position.x - p.x) < 220 && Math.abs(m.position.y - p.y) < 100);
  while (hit(pos)) pos.x += 250;
  return pos;
}

/**
 * Adds a block. Clicked from the palette (no position) it lands under the selected block and is
 * wired to its output, so a chain is built with clicks alone, then becomes the selection.
 */
export function addFromPalette(type: string, at: Position | null, fallback: Position, params?: Params): string {
  const s = useDoc.getState();
  const selected = topLevel(s.selection);
  const anchor = selected.length === 1 ? selected[0] : undefined;
  const pos = at ?? below(s.doc, anchor) ?? fallback;
  let { doc, id } = addBlock(s.doc, type, pos, params);
  const block = getBlock(type);
  const src = anchor ? s.doc.nodes.find((n) => n.id === anchor) : undefined;
  if (!at && src && src.type !== 'output' && block && type !== 'input') {
    doc = connect(doc, { node: src.id, port: 0 }, { node: id, port: 0 }).doc;
  }
  s.commit(doc);
  s.select([id]);
  return id;
}

export function toggleExpandSelection(): void {
  const s = useDoc.getState();
  const views = useAnalysis.getState().views;
  let doc = s.doc;
  for (const id of topLevel(s.selection)) {
    const v = views.get(id);
    if (v?.composite) doc = updateNode(doc, id, { expanded: !v.expanded });
  }
  // A selected primitive inside a frame collapses its frame.
  for (const id of s.selection.filter((x) => x.includes('/'))) doc = updateNode(doc, id.split('/')[0]!, { expanded: false });
  s.commit(doc);
}

export function setAllExpanded(expanded: boolean): void {
  const s = useDoc.getState();
  const views = useAnalysis.getState().views;
  let doc = s.doc;
  for (const n of s.doc.nodes) if (views.get(n.id)?.composite && (n.expanded === true) !== expanded) doc = updateNode(doc, n.id, { expanded });
  s.commit(doc);
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
