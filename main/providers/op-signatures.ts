/**
 * The distinct op signatures of a graph: op type + attributes + each input's dtype and static shape
 * (and, for int64/int32 constants such as Reshape targets or pads, their values), + which outputs
 * are used. Two nodes with the same signature run the same kernel with the same shapes, so one
 * probe answers for both. Shapes, not just ranks, are part of the key: a provider's fault can
 * depend on them (WebGPU's NHWC conv fault needs in-channels a multiple of 3 other than 3).
 */
import type { Attribute, DType, Model, Node, Tensor } from '../../core/onnx/ir';
import { inferShapes } from '../../core/train/shape-infer';
import { opCapability } from '../../core/train/target';

export interface SignatureInput {
  dtype: DType;
  shape: number[];
  /** The constant (initializer) this input reads, if any: kept as a constant in the probe model. */
  constant?: Tensor;
}

export interface OpSignature {
  key: string;
  /** A node with this signature (its inputs and outputs are renamed in the probe model). */
  node: Node;
  inputs: (SignatureInput | null)[];
  outputs: ({ dtype: DType; shape: number[] } | null)[];
  /** Capability key (core/train/target.ts): what a provider lacks when this signature fails. */
  capability: string;
  /** Names of every node of the graph with this signature. */
  nodes: string[];
}

function attrText(a: Attribute): string {
  if (a.kind === 'tensor')
    return `tensor:${a.value.dtype}[${a.value.dims.join(',')}]=${Array.from(a.value.data as ArrayLike<number | bigint>)
      .slice(0, 16)
      .join(',')}`;
  return `${a.kind}:${JSON.stringify(a.value)}`;
}

function constText(t: Tensor): string {
  const small = (t.dtype === 'int64' || t.dtype === 'int32') && t.data.length <= 64;
  return small ? `=${Array.from(t.data as ArrayLike<number | bigint>).join(',')}` : '=const';
}

/** Every node's signature, grouped: signature key -> signature (node names collected). */
export function opSignatures(model: Model): Map<string, OpSignature> {
  const graph = model.graph;
  const info = inferShapes(graph, {});
  const constants = new Map(graph.initializers.map((t) => [t.name, t]));
  for (const n of graph.nodes) {
    const v = n.attributes.value;
    if (n.opType === 'Constant' && v?.kind === 'tensor') constants.set(n.outputs[0]!, v.value);
  }
  const out = new Map<string, OpSignature>();
  for (const n of graph.nodes) {
    if (n.opType === 'Constant') continue;
    const inputs = n.inputs.map((name): SignatureInput | null => {
      if (!name) return null;
      const s = info.shapes.get(name);
      if (!s) throw new Error(`op probe: no static shape for "${name}" (input of node "${n.name}")`);
      const c = constants.get(name);
      return c ? { dtype: s.dtype, shape: s.shape, constant: c } : { dtype: s.dtype, shape: s.shape };
    });
    const outputs = n.outputs.map((name) => {
      if (!name) return null;
      const s = info.shapes.get(name);
      if (!s) throw new Error(`op probe: no static shape for "${name}" (output of node "${n.name}")`);
      return { dtype: s.dtype, shape: s.shape };
    });
    const attrs = Object.keys(n.attributes)
      .sort()
      .map((k) => `${k}=${attrText(n.attributes[k]!)}`)
      .join(';');
    const ins = inputs.map((i) => (i ? `${i.dtype}[${i.shape.join(',')}]${i.constant ? constText(i.constant) : ''}` : '-')).join(' ');
    const outs = outputs.map((o) => (o ? o.dtype : '-')).join(' ');
    const key = `${n.domain || ''}${n.domain ? '.' : ''}${n.opType}(${ins}) -> (${outs}) {${attrs}}`;
    const have = out.get(key);
    if (have) {
      have.nodes.push(n.name);
      continue;
    }
    const capability = opCapability(
      n,
      inputs.map((i) => (i && !i.constant ? i.dtype : undefined)),
    );
    out.set(key, { key, node: n, inputs, outputs, capability, nodes: [n.name] });
  }
  return out;
}
