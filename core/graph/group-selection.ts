/**
 * Turns a selection of nodes into a reusable user group: the selected nodes move into a new
 * GroupDef and one `group` node takes their place, wired to the same neighbours.
 *   - each distinct outside value feeding the selection becomes a group input (in the order the
 *     selection's nodes appear), fanning out to every inner port it fed;
 *   - each inner output read from outside becomes a group output.
 * Weight names gain the group node's name as a prefix (`<group>.<inner name>.weight`).
 */
import { GraphError } from './errors';
import { Namer, sanitizeName } from './ids';
import type { GroupDef, ModelDocument, ModelEdge, PortRef } from './types';

export function groupSelection(doc: ModelDocument, nodeIds: readonly string[], name: string): { doc: ModelDocument; groupId: string; nodeId: string } {
  const sel = new Set(nodeIds);
  const nodes = doc.nodes.filter((n) => sel.has(n.id));
  if (!nodes.length) throw new GraphError('select at least one block to group');
  if (nodes.some((n) => n.type === 'input' || n.type === 'output')) throw new GraphError('Input and Output blocks cannot go into a group');
  const namer = new Namer(doc);
  const groupIds = new Set(doc.groups.map((g) => g.id));
  let groupId = sanitizeName(name).replace(/\./g, '_');
  for (let i = 2; groupIds.has(groupId); i++) groupId = `${sanitizeName(name).replace(/\./g, '_')}_${i}`;
  const nodeId = namer.id(groupId);
  const key = (p: PortRef) => `${p.node}\u0000${p.port}`;

  const inner: ModelEdge[] = [];
  const inputs: PortRef[][] = [];
  const inputSources: PortRef[] = [];
  const inputIndex = new Map<string, number>();
  const outputs: PortRef[] = [];
  const outputIndex = new Map<string, number>();
  const outer: ModelEdge[] = [];
  const order = new Map(doc.nodes.map((n, i) => [n.id, i]));
  const edges = [...doc.edges].sort((a, b) => order.get(a.to.node)! - order.get(b.to.node)! || a.to.port - b.to.port);
  for (const e of edges) {
    const fromIn = sel.has(e.from.node);
    const toIn = sel.has(e.to.node);
    if (fromIn && toIn) inner.push(e);
    else if (!fromIn && toIn) {
      let i = inputIndex.get(key(e.from));
      if (i === undefined) {
        i = inputs.length;
        inputIndex.set(key(e.from), i);
        inputs.push([]);
        inputSources.push(e.from);
      }
      inputs[i]!.push(e.to);
    } else if (fromIn && !toIn) {
      let o = outputIndex.get(key(e.from));
      if (o === undefined) {
        o = outputs.length;
        outputIndex.set(key(e.from), o);
        outputs.push(e.from);
      }
      outer.push({ ...e, from: { node: nodeId, port: o } });
    } else outer.push(e);
  }
  const def: GroupDef = { id: groupId, name, nodes, edges: inner, inputs, outputs };
  const cx = nodes.reduce((s, n) => s + n.position.x, 0) / nodes.length;
  const cy = nodes.reduce((s, n) => s + n.position.y, 0) / nodes.length;
  const wiredIn = inputSources.map((from, i): ModelEdge => ({ id: namer.id(`${nodeId}_in${i}`), from, to: { node: nodeId, port: i } }));
  return {
    groupId,
    nodeId,
    doc: {
      nodes: [
        ...doc.nodes.filter((n) => !sel.has(n.id)),
        { id: nodeId, type: 'group', name: namer.name(sanitizeName(name)), params: { group: groupId, repeat: 1 }, position: { x: cx, y: cy } },
      ],
      edges: [...outer, ...wiredIn],
      groups: [...doc.groups, def],
    },
  };
}
