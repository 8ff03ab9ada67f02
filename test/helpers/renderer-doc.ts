/**
 * Documents for the renderer's tests: a chain of blocks built with the editor's own operations
 * (renderer/state/ops), loaded into the document store as a saved project.
 */
import type { ModelDocument } from '../../core/graph/types';
import { useDoc } from '../../renderer/state/document';
import { addBlock, connect } from '../../renderer/state/ops';

/** Blocks of these types one under the other (150 apart), wired in order. Returns the document and the ids. */
export function chainDoc(types: readonly string[]): { doc: ModelDocument; ids: string[] } {
  let doc: ModelDocument = { nodes: [], edges: [], groups: [] };
  const ids: string[] = [];
  types.forEach((t, i) => {
    const r = addBlock(doc, t, { x: 0, y: i * 150 });
    doc = r.doc;
    ids.push(r.id);
  });
  for (let i = 1; i < ids.length; i++) doc = connect(doc, { node: ids[i - 1]!, port: 0 }, { node: ids[i]!, port: 0 }).doc;
  return { doc, ids };
}

/** Loads a chain into the document store as the saved file /p/model.cnn.json; returns the ids. */
export function loadChain(types: readonly string[]): string[] {
  const { doc, ids } = chainDoc(types);
  useDoc.getState().load(doc, '/p/model.cnn.json');
  return ids;
}
