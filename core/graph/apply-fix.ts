/**
 * Applies a fix (or any list of patch operations) to a document, returning a new document; the
 * input is not modified. Unknown targets are skipped, so a stale fix cannot corrupt a document.
 */
import type { Fix, ModelDocument, PatchOp } from './types';

export function applyPatch(doc: ModelDocument, ops: readonly PatchOp[]): ModelDocument {
  let nodes = doc.nodes;
  let edges = doc.edges;
  for (const op of ops) {
    switch (op.op) {
      case 'setParam':
        nodes = nodes.map((n) => (n.id === op.node ? { ...n, params: { ...n.params, [op.param]: op.value } } : n));
        break;
      case 'removeParam':
        nodes = nodes.map((n) => {
          if (n.id !== op.node || !(op.param in n.params)) return n;
          const params = { ...n.params };
          delete params[op.param];
          return { ...n, params };
        });
        break;
      case 'addNode':
        if (!nodes.some((n) => n.id === op.node.id)) nodes = [...nodes, op.node];
        break;
      case 'removeNode':
        nodes = nodes.filter((n) => n.id !== op.node);
        edges = edges.filter((e) => e.from.node !== op.node && e.to.node !== op.node);
        break;
      case 'renameNode':
        nodes = nodes.map((n) => (n.id === op.node ? { ...n, name: op.name } : n));
        break;
      case 'addEdge':
        if (!edges.some((e) => e.id === op.edge.id)) edges = [...edges, op.edge];
        break;
      case 'removeEdge':
        edges = edges.filter((e) => e.id !== op.edge);
        break;
    }
  }
  return { ...doc, nodes, edges };
}

export function applyFix(doc: ModelDocument, fix: Fix): ModelDocument {
  return applyPatch(doc, fix.ops);
}
