/**
 * Layout for imported graphs: core's layered top-to-bottom layout, for the document and for every
 * group definition inside it. Branches (inception, residual shortcuts) fan out into columns and
 * meet again below.
 */
import { layeredPositions } from '../graph/layered-layout';
import type { ModelDocument, ModelEdge, ModelNode } from '../graph/types';

export function layoutDocument(doc: ModelDocument): ModelDocument {
  const place = <T extends { nodes: ModelNode[]; edges: ModelEdge[] }>(g: T): T => {
    const pos = layeredPositions(g.nodes, g.edges);
    return { ...g, nodes: g.nodes.map((n) => ({ ...n, position: pos.get(n.id) ?? n.position })) };
  };
  const top = place(doc);
  return { ...top, groups: doc.groups.map(place) };
}
