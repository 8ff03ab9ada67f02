/**
 * The model as nested scopes for code generation. The expanded graph is flat (primitives only);
 * PyTorch code should keep the studio's composites (residual, inception, user groups) as their
 * own modules, so this walks the document and re-expands each composite exactly as the analysis
 * did, pairing every sub-node with the primitive the analysis made for it (ids `<doc id>/<sub>`).
 * Values are primitive outputs ({node: primitive id, port}), unique across the whole model.
 */
import { getBlock } from '../blocks/index';
import type { BlockEnv, CompositeBlock, SubRef } from '../blocks/define';
import { resolveParams, str } from '../blocks/params';
import type { ExpandedGraph, Primitive, PrimitiveRef } from '../graph/expanded';
import type { GroupDef, ModelDocument, Params, Shape } from '../graph/types';
import { PytorchExportError } from './errors';

export type ValueRef = PrimitiveRef;

export interface LeafItem {
  kind: 'leaf';
  /** Name relative to the enclosing scope (dotted). */
  name: string;
  prim: Primitive;
  inputs: ValueRef[];
  outputs: ValueRef[];
}

export interface CompositeItem {
  kind: 'composite';
  name: string;
  /** The full dotted name (for messages). */
  fullName: string;
  type: string;
  params: Params;
  inShapes: Shape[];
  inputs: ValueRef[];
  outputs: ValueRef[];
  children: Item[];
  group: GroupDef | null;
}

export type Item = LeafItem | CompositeItem;

export const refKey = (r: ValueRef): string => `${r.node}#${r.port}`;

export interface ModelStructure {
  items: Item[];
  input: Primitive;
  output: Primitive;
  /** Primitives by id. */
  prims: Map<string, Primitive>;
}

class Walker {
  readonly prims: Map<string, Primitive>;
  readonly env: BlockEnv;

  constructor(
    readonly doc: ModelDocument,
    readonly graph: ExpandedGraph,
  ) {
    this.prims = new Map(graph.nodes.map((p) => [p.id, p]));
    this.env = { groups: new Map((doc.groups ?? []).map((g) => [g.id, g])) };
  }

  prim(id: string, name: string): Primitive {
    const p = this.prims.get(id);
    if (!p) throw new PytorchExportError(`"${name}" has no analysed primitive (the model has errors)`, name);
    return p;
  }

  shapeOf(r: ValueRef): Shape {
    return this.prims.get(r.node)!.outShapes[r.port]!;
  }

  leaf(id: string, name: string): LeafItem {
    const prim = this.prim(id, name);
    return { kind: 'leaf', name, prim, inputs: prim.inputs, outputs: prim.outShapes.map((_, port) => ({ node: id, port })) };
  }

  composite(id: string, name: string, fullName: string, block: CompositeBlock, params: Params, ins: ValueRef[]): CompositeItem {
    const inShapes = ins.map((r) => this.shapeOf(r));
    const sub = block.expand(inShapes, params, this.env);
    if (Array.isArray(sub)) throw new PytorchExportError(`"${fullName}": ${sub.map((i) => i.message).join('; ')}`, fullName);
    const local = new Map<string, ValueRef[]>();
    const resolve = (r: SubRef | null): ValueRef => {
      const v = r === null ? undefined : 'input' in r ? ins[r.input] : local.get(r.node)?.[r.port];
      if (!v) throw new PytorchExportError(`"${fullName}": an input inside the block is not connected`, fullName);
      return v;
    };
    const children: Item[] = [];
    for (const sn of sub.nodes) {
      const b = getBlock(sn.type);
      if (!b) throw new PytorchExportError(`${fullName}.${sn.name}: there is no block type "${sn.type}"`, `${fullName}.${sn.name}`);
      const rp = resolveParams(b.params, sn.params).params;
      const subIns = b.inputPorts(rp, this.env).map((_, p) => resolve(sn.inputs[p] ?? null));
      const subId = `${id}/${sn.name}`;
      const item = b.kind === 'primitive' ? this.leaf(subId, sn.name) : this.composite(subId, sn.name, `${fullName}.${sn.name}`, b, rp, subIns);
      children.push(item);
      local.set(sn.name, item.outputs);
    }
    const group = block.type === 'group' ? (this.env.groups.get(str(params, 'group')) ?? null) : null;
    return { kind: 'composite', name, fullName, type: block.type, params, inShapes, inputs: ins, outputs: sub.outputs.map(resolve), children, group };
  }
}

/** The top-level scope: live document nodes in the analysis' (topological) order. */
export function modelStructure(doc: ModelDocument, graph: ExpandedGraph): ModelStructure {
  const w = new Walker(doc, graph);
  // Each document node's position: the index of its first primitive (composites expand in one go).
  const first = new Map<string, number>();
  const live = new Set<string>();
  graph.nodes.forEach((p, i) => {
    if (!first.has(p.origin)) first.set(p.origin, i);
    if (p.live) live.add(p.origin);
  });
  const nodes = doc.nodes.filter((n) => live.has(n.id)).sort((a, b) => first.get(a.id)! - first.get(b.id)!);
  const outs = new Map<string, ValueRef[]>();
  const items: Item[] = [];
  for (const n of nodes) {
    const block = getBlock(n.type)!;
    let item: Item;
    if (block.kind === 'primitive') item = w.leaf(n.id, n.name);
    else {
      const params = resolveParams(block.params, n.params ?? {}).params;
      const ins: ValueRef[] = [];
      for (const e of doc.edges) if (e.to.node === n.id) ins[e.to.port] = outs.get(e.from.node)![e.from.port]!;
      item = w.composite(n.id, n.name, n.name, block, params, ins);
    }
    outs.set(n.id, item.outputs);
    items.push(item);
  }
  const inputs = items.filter((i): i is LeafItem => i.kind === 'leaf' && i.prim.type === 'input');
  const outputs = items.filter((i): i is LeafItem => i.kind === 'leaf' && i.prim.type === 'output');
  if (inputs.length !== 1) throw new PytorchExportError(`the model needs exactly one Input block to export as PyTorch, it has ${inputs.length}`);
  if (outputs.length !== 1) throw new PytorchExportError(`the model needs exactly one Output block to export as PyTorch, it has ${outputs.length}`);
  return { items, input: inputs[0]!.prim, output: outputs[0]!.prim, prims: w.prims };
}
