/**
 * Editing operations as pure functions from document to document. The store commits their
 * results, so each is one undo step. Parameter edits and fixes go through core's applyPatch.
 */
import { defaultParams, getBlock } from '../../core/blocks/index';
import { applyPatch } from '../../core/graph/apply-fix';
import { Namer, sanitizeName } from '../../core/graph/ids';
import type { GroupDef, ModelDocument, ModelEdge, ModelNode, Params, PortRef, Position } from '../../core/graph/types';

/** Short, PyTorch-like name stems: conv1, pool1, fc1. */

function usedNames(doc: ModelDocument): Set<string> {
  return new Set(doc.nodes.map((n) => n.name));
}

export function freshName(doc: ModelDocument, stem: string, taken = usedNames(doc)): string {
  for (let i = 1; ; i++) {
    const name = `${stem}${i}`;
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
}

export function addBlock(doc: ModelDocument, type: string, position: Position, params?: Params): { doc: ModelDocument; id: string } {
  const block = getBlock(type);
  const namer = new Namer(doc);
  // Each block names its own stem (conv -> conv1, conv2); other types use the type itself.
  const id = namer.id(block?.nameStem ?? type);
  const node: ModelNode = {
    id,
    type,
    name: freshName(doc, block?.nameStem ?? sanitizeName(type)),
    params: { ...(block ? defaultParams(block.params) : {}), ...params },
    position: { x: Math.round(position.x), y: Math.round(position.y) },
  };
  return { doc: { ...doc, nodes: [...doc.nodes, node] }, id };
}

/** Everything downstream of `id` (itself included). */
function downstream(doc: ModelDocument, id: string): Set<string> {
  const out = new Set([id]);
  const stack = [id];
  while (stack.length) {
    const cur = stack.pop()!;
    for (const e of doc.edges)
      if (e.from.node === cur && !out.has(e.to.node)) {
        out.add(e.to.node);
        stack.push(e.to.node);
      }
  }
  return out;
}

/** Why this connection cannot be made, or null. Shape problems are allowed: they become diagnostics with fixes. */
export function connectionProblem(doc: ModelDocument, from: PortRef, to: PortRef): string | null {
  const src = doc.nodes.find((n) => n.id === from.node);
  const dst = doc.nodes.find((n) => n.id === to.node);
  if (!src || !dst) return 'one end of this connection no longer exists';
  if (src.id === dst.id) return `"${src.name}" cannot feed itself`;
  if (doc.edges.some((e) => e.from.node === from.node && e.from.port === from.port && e.to.node === to.node && e.to.port === to.port)) {
    return `"${src.name}" already feeds that input of "${dst.name}"`;
  }
  if (downstream(doc, dst.id).has(src.id))
    return `"${dst.name}" already feeds "${src.name}": this connection would make a loop, and data cannot flow in a loop`;
  return null;
}

/** Connects, replacing whatever fed that input before (an input takes one connection). */
export function connect(doc: ModelDocument, from: PortRef, to: PortRef): { doc: ModelDocument; replaced: ModelEdge | null } {
  const replaced = doc.edges.find((e) => e.to.node === to.node && e.to.port === to.port) ?? null;
  const id = new Namer(doc).id(`${from.node}_${to.node}`);
  const edges = doc.edges.filter((e) => e !== replaced);
  return { doc: { ...doc, edges: [...edges, { id, from, to }] }, replaced };
}

export function removeItems(doc: ModelDocument, nodeIds: readonly string[], edgeIds: readonly string[]): ModelDocument {
  const nodes = new Set(nodeIds);
  const edges = new Set(edgeIds);
  if (!nodes.size && !edges.size) return doc;
  return {
    ...doc,
    nodes: doc.nodes.filter((n) => !nodes.has(n.id)),
    edges: doc.edges.filter((e) => !edges.has(e.id) && !nodes.has(e.from.node) && !nodes.has(e.to.node)),
  };
}

export function moveNodes(doc: ModelDocument, positions: ReadonlyMap<string, Position>): ModelDocument {
  let changed = false;
  const nodes = doc.nodes.map((n) => {
    const p = positions.get(n.id);
    if (!p || (p.x === n.position.x && p.y === n.position.y)) return n;
    changed = true;
    return { ...n, position: { x: Math.round(p.x), y: Math.round(p.y) } };
  });
  return changed ? { ...doc, nodes } : doc;
}

export function setParam(doc: ModelDocument, node: string, param: string, value: Params[string]): ModelDocument {
  return applyPatch(doc, [{ op: 'setParam', node, param, value }]);
}

export function renameNode(doc: ModelDocument, node: string, name: string): ModelDocument {
  return applyPatch(doc, [{ op: 'renameNode', node, name }]);
}

export function updateNode(doc: ModelDocument, id: string, patch: Partial<Pick<ModelNode, 'expanded' | 'frozen'>>): ModelDocument {
  return { ...doc, nodes: doc.nodes.map((n) => (n.id === id ? { ...n, ...patch } : n)) };
}

// ---- clipboard -----------------------------------------------------------------------------------

export interface Clip {
  kind: 'cnn-studio-clip';
  nodes: ModelNode[];
  edges: ModelEdge[];
  groups: GroupDef[];
}

export function copyItems(doc: ModelDocument, ids: readonly string[]): Clip | null {
  const set = new Set(ids);
  const nodes = doc.nodes.filter((n) => set.has(n.id));
  if (!nodes.length) return null;
  const usedGroups = new Set(nodes.filter((n) => n.type === 'group').map((n) => String(n.params['group'])));
  return {
    kind: 'cnn-studio-clip',
    nodes,
    edges: doc.edges.filter((e) => set.has(e.from.node) && set.has(e.to.node)),
    groups: doc.groups.filter((g) => usedGroups.has(g.id)),
  };
}

/** Pastes with fresh ids and names, shifted by `offset`; returns the new node ids. */
export function pasteClip(doc: ModelDocument, clip: Clip, offset: Position): { doc: ModelDocument; ids: string[] } {
  const namer = new Namer(doc);
  const taken = usedNames(doc);
  const idMap = new Map<string, string>();
  const nodes = clip.nodes.map((n) => {
    const id = namer.id(n.id.replace(/_\d+$/, ''));
    idMap.set(n.id, id);
    const stem = n.name.replace(/\d+$/, '') || 'block';
    const name = taken.has(n.name) ? freshName(doc, stem, taken) : (taken.add(n.name), n.name);
    return { ...n, id, name, position: { x: n.position.x + offset.x, y: n.position.y + offset.y } };
  });
  const edges = clip.edges.map((e) => ({
    id: namer.id(`${idMap.get(e.from.node)!}_${idMap.get(e.to.node)!}`),
    from: { node: idMap.get(e.from.node)!, port: e.from.port },
    to: { node: idMap.get(e.to.node)!, port: e.to.port },
  }));
  // Group definitions travel with their instances; one already in the document is reused.
  const known = new Set(doc.groups.map((g) => g.id));
  const groups = [...doc.groups, ...clip.groups.filter((g) => !known.has(g.id))];
  return { doc: { nodes: [...doc.nodes, ...nodes], edges: [...doc.edges, ...edges], groups }, ids: nodes.map((n) => n.id) };
}

// ---- groups --------------------------------------------------------------------------------------

const key = (r: PortRef) => `${r.node}:${r.port}`;

/**
 * Turns the selected nodes into a reusable block: a GroupDef holding them, and one `group` node
 * in their place, wired to what fed them and to what they fed. Returns a reason when it cannot.
 */
export function groupSelection(doc: ModelDocument, ids: readonly string[], name: string): { doc: ModelDocument; id: string } | { error: string } {
  const set = new Set(ids);
  const nodes = doc.nodes.filter((n) => set.has(n.id));
  if (nodes.length < 1) return { error: 'select the blocks to group first' };
  const io = nodes.find((n) => n.type === 'input' || n.type === 'output');
  if (io) return { error: `"${io.name}" is an ${io.type === 'input' ? 'Input' : 'Output'}: a group holds the layers between them` };
  const namer = new Namer(doc);
  const inner = doc.edges.filter((e) => set.has(e.from.node) && set.has(e.to.node));
  const incoming = doc.edges.filter((e) => !set.has(e.from.node) && set.has(e.to.node));
  const outgoing = doc.edges.filter((e) => set.has(e.from.node) && !set.has(e.to.node));
  const inKeys: string[] = [];
  const inputs: PortRef[][] = [];
  const inSources: PortRef[] = [];
  for (const e of incoming) {
    let i = inKeys.indexOf(key(e.from));
    if (i < 0) {
      i = inKeys.push(key(e.from)) - 1;
      inputs.push([]);
      inSources.push(e.from);
    }
    inputs[i]!.push(e.to);
  }
  // A selection with a free input (nothing fed it yet) still gets a port for it.
  for (const n of nodes) {
    const block = getBlock(n.type);
    if (!block || n.type === 'group') continue;
    const ports = block.inputPorts({ ...defaultParams(block.params), ...n.params }, { groups: new Map(doc.groups.map((g) => [g.id, g])) }).length;
    for (let p = 0; p < ports; p++) {
      const fed = inner.some((e) => e.to.node === n.id && e.to.port === p) || incoming.some((e) => e.to.node === n.id && e.to.port === p);
      if (!fed) inputs.push([{ node: n.id, port: p }]);
    }
  }
  const outKeys: string[] = [];
  const outputs: PortRef[] = [];
  for (const e of outgoing)
    if (!outKeys.includes(key(e.from))) {
      outKeys.push(key(e.from));
      outputs.push(e.from);
    }
  if (!outputs.length) {
    // Nothing downstream yet: expose the selection's last block (the one nothing inside feeds).
    const sink = [...nodes].reverse().find((n) => !inner.some((e) => e.from.node === n.id));
    if (sink) outputs.push({ node: sink.id, port: 0 });
  }
  const minX = Math.min(...nodes.map((n) => n.position.x));
  const minY = Math.min(...nodes.map((n) => n.position.y));
  const defId = namer.id(`g_${sanitizeName(name)}`);
  const def: GroupDef = {
    id: defId,
    name,
    nodes: nodes.map((n) => ({ ...n, position: { x: n.position.x - minX, y: n.position.y - minY } })),
    edges: inner,
    inputs,
    outputs,
  };
  const instId = namer.id(sanitizeName(name).toLowerCase());
  const rest = doc.nodes.filter((n) => !set.has(n.id));
  const inst: ModelNode = {
    id: instId,
    type: 'group',
    name: freshName({ ...doc, nodes: rest }, sanitizeName(name).toLowerCase()),
    params: { group: defId, repeat: 1 },
    position: { x: Math.round(nodes.reduce((s, n) => s + n.position.x, 0) / nodes.length), y: minY },
  };
  const edges: ModelEdge[] = doc.edges.filter((e) => !set.has(e.from.node) && !set.has(e.to.node));
  inSources.forEach((from, i) => edges.push({ id: namer.id(`${from.node}_${instId}`), from, to: { node: instId, port: i } }));
  for (const e of outgoing) edges.push({ id: namer.id(`${instId}_${e.to.node}`), from: { node: instId, port: outKeys.indexOf(key(e.from)) }, to: e.to });
  return { doc: { nodes: [...rest, inst], edges, groups: [...doc.groups, def] }, id: instId };
}

/** Puts a group instance's blocks back in its place (repeat 1 only); the definition stays for other instances. */
export function ungroup(doc: ModelDocument, id: string): { doc: ModelDocument; ids: string[] } | { error: string } {
  const inst = doc.nodes.find((n) => n.id === id);
  if (!inst || inst.type !== 'group') return { error: 'select a group block to ungroup' };
  const def = doc.groups.find((g) => g.id === inst.params['group']);
  if (!def) return { error: `the group "${String(inst.params['group'])}" is missing from this project` };
  if (Number(inst.params['repeat'] ?? 1) !== 1) return { error: 'set Repeat to 1 before ungrouping' };
  const clip: Clip = { kind: 'cnn-studio-clip', nodes: def.nodes, edges: def.edges, groups: [] };
  const base = { ...doc, nodes: doc.nodes.filter((n) => n.id !== id), edges: doc.edges.filter((e) => e.from.node !== id && e.to.node !== id) };
  const pasted = pasteClip(base, clip, inst.position);
  const idMap = new Map(def.nodes.map((n, i) => [n.id, pasted.ids[i]!]));
  const namer = new Namer(pasted.doc);
  const edges = [...pasted.doc.edges];
  for (const e of doc.edges) {
    if (e.to.node === id)
      for (const t of def.inputs[e.to.port] ?? [])
        edges.push({ id: namer.id(`${e.from.node}_${idMap.get(t.node)!}`), from: e.from, to: { node: idMap.get(t.node)!, port: t.port } });
    if (e.from.node === id) {
      const o = def.outputs[e.from.port];
      if (o) edges.push({ id: namer.id(`${idMap.get(o.node)!}_${e.to.node}`), from: { node: idMap.get(o.node)!, port: o.port }, to: e.to });
    }
  }
  return { doc: { ...pasted.doc, edges }, ids: pasted.ids };
}
