import type { GroupDef, ModelEdge } from '../graph/types';
import { defineComposite, type BlockEnv, type Issue, type SubGraph, type SubNode, type SubRef } from './define';
import { num, p, str } from './params';
import type { Params } from '../graph/types';
import type { CompositeCodegen } from '../export-pytorch/hooks';
import type { CompositeItem, Item } from '../export-pytorch/structure';
import { call, type Py } from '../export-pytorch/python';
import { PytorchExportError } from '../export-pytorch/errors';

/**
 * An instance of a user group: a selection of nodes saved as a reusable block. `repeat` chains N
 * copies (output i of copy r feeds input i of copy r+1), named `<name>.0.*`, `<name>.1.*`, ...; a
 * ResNet stage is a residual block repeated. Inner nodes keep their own names under the prefix.
 */
export const group = defineComposite({
  type: 'group',
  label: 'Group',
  category: 'Composite',
  description: 'A reusable block made from a selection of nodes, optionally repeated.',
  nameStem: 'block',
  params: {
    group: p.string('Group', ''),
    repeat: p.int('Repeat', 1, 1, 256),
  },
  inputPorts: (P, env) => (env.groups.get(str(P, 'group'))?.inputs ?? []).map((_, i) => `in${i}`),
  outputPorts: (P, env) => (env.groups.get(str(P, 'group'))?.outputs ?? []).map((_, i) => `out${i}`),
  expand(_in, P, env) {
    const def = env.groups.get(str(P, 'group'));
    if (!def) return [{ code: 'unknown-group', param: 'group', message: `no group named "${str(P, 'group')}" in this project` }];
    return expandGroup(def, num(P, 'repeat'));
  },
  pytorch: groupModule,
});

/**
 * A class per group body. A repeated one-in one-out group is a chain of copies: nn.Sequential of
 * one class per distinct copy (identical copies share a class, so usually one or two).
 */
function groupModule(it: CompositeItem, gen: CompositeCodegen): Py {
  const def = it.group;
  if (!def) throw new PytorchExportError(`"${it.fullName}": its group definition is missing`, it.fullName);
  const doc = `The studio group "${def.name}".`;
  const repeat = num(it.params, 'repeat');
  if (repeat > 1 && def.inputs.length === 1 && def.outputs.length === 1) {
    const copies: Py[] = [];
    let input = it.inputs[0]!;
    for (let r = 0; r < repeat; r++) {
      const pre = `${r}.`;
      const items = it.children.filter((c) => c.name.startsWith(pre)).map((c) => ({ ...c, name: c.name.slice(pre.length) }) as Item);
      const outNode = def.nodes.find((n) => n.id === def.outputs[0]!.node)!;
      const last = items.find((c) => c.name === outNode.name)!;
      const output = last.outputs[def.outputs[0]!.port]!;
      copies.push(`${gen.scopeClass(def.name, doc, { items, inputs: [input], inputNames: ['x'], outputs: [output] })}()`);
      input = output;
    }
    return call('nn.Sequential', copies);
  }
  const names = it.inputs.length === 1 ? ['x'] : it.inputs.map((_, i) => `x${i}`);
  return `${gen.scopeClass(def.name, doc, { items: it.children, inputs: it.inputs, inputNames: names, outputs: it.outputs })}()`;
}

/** Inner nodes in dependency order, or the ids caught in a cycle. */
function innerOrder(def: GroupDef): { order: string[]; cyclic: string[] } {
  const indeg = new Map(def.nodes.map((n) => [n.id, 0]));
  const next = new Map<string, string[]>();
  for (const e of def.edges) {
    if (!indeg.has(e.from.node) || !indeg.has(e.to.node)) continue;
    indeg.set(e.to.node, indeg.get(e.to.node)! + 1);
    const l = next.get(e.from.node);
    if (l) l.push(e.to.node);
    else next.set(e.from.node, [e.to.node]);
  }
  const queue = def.nodes.filter((n) => indeg.get(n.id) === 0).map((n) => n.id);
  const order: string[] = [];
  while (queue.length) {
    const id = queue.shift()!;
    order.push(id);
    for (const t of next.get(id) ?? []) {
      indeg.set(t, indeg.get(t)! - 1);
      if (indeg.get(t) === 0) queue.push(t);
    }
  }
  return { order, cyclic: def.nodes.filter((n) => !order.includes(n.id)).map((n) => n.id) };
}

export function expandGroup(def: GroupDef, repeat: number): SubGraph | Issue[] {
  const { order, cyclic } = innerOrder(def);
  if (cyclic.length) return [{ code: 'cycle', message: `group "${def.name}" has a cycle through ${cyclic.join(', ')}` }];
  if (repeat > 1 && def.inputs.length !== def.outputs.length) {
    return [
      {
        code: 'invalid-param',
        param: 'repeat',
        message: `group "${def.name}" has ${def.inputs.length} inputs but ${def.outputs.length} outputs, so it cannot be chained`,
        hints: [{ kind: 'setParam', label: 'Repeat once', param: 'repeat', value: 1 }],
      },
    ];
  }
  const byId = new Map(def.nodes.map((n) => [n.id, n]));
  const incoming = new Map<string, ModelEdge[]>();
  for (const e of def.edges) {
    const l = incoming.get(e.to.node);
    if (l) l.push(e);
    else incoming.set(e.to.node, [e]);
  }
  const nodes: SubNode[] = [];
  let feeds: SubRef[] = def.inputs.map((_, i) => ({ input: i }));
  for (let r = 0; r < repeat; r++) {
    const pre = repeat > 1 ? `${r}.` : '';
    const nameOf = (id: string) => `${pre}${byId.get(id)!.name}`;
    for (const id of order) {
      const n = byId.get(id)!;
      const ins: (SubRef | null)[] = [];
      for (const e of incoming.get(id) ?? []) ins[e.to.port] = { node: nameOf(e.from.node), port: e.from.port };
      def.inputs.forEach((targets, gi) => {
        for (const t of targets) if (t.node === id) ins[t.port] = feeds[gi]!;
      });
      nodes.push({ name: nameOf(id), type: n.type, params: n.params as Params, inputs: Array.from(ins, (v) => v ?? null) });
    }
    feeds = def.outputs.map((o) => ({ node: nameOf(o.node), port: o.port }));
  }
  return { nodes, outputs: feeds };
}

export type { BlockEnv };
