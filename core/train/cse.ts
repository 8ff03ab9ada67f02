/**
 * Common-subexpression elimination over a graph's nodes: a node with the same op, domain,
 * attributes and inputs as an earlier one is dropped and its outputs are read from the earlier
 * node's. Gradient rules emit such duplicates independently, e.g. the [C, N, H, W] transpose of an
 * inception module's input for the weight gradient of each branch conv that reads it, or the same
 * transposed dy for a conv's weight and input gradients.
 *
 * Nodes whose outputs are graph outputs, and ops with random or side-effecting results, are kept.
 */
import type { Attribute, Graph, Node } from '../onnx/ir';

const NOT_PURE = /^(Random|Multinomial|Dropout|Bernoulli)/;

function attrKey(a: Attribute): string {
  const v = a.value as unknown;
  if (ArrayBuffer.isView(v)) return `${a.kind}:${Array.from(v as unknown as ArrayLike<number | bigint>).join(',')}`;
  if (a.kind === 'tensor') {
    const t = a.value;
    return `tensor:${t.dtype}:${t.dims.join(',')}:${Array.from(t.data as ArrayLike<number | bigint>).join(',')}`;
  }
  return `${a.kind}:${JSON.stringify(v)}`;
}

export function eliminateCommonSubexpressions(graph: Graph): { graph: Graph; removed: number } {
  const outputs = new Set(graph.outputs.map((o) => o.name));
  const seen = new Map<string, Node>();
  const rename = new Map<string, string>();
  const nodes: Node[] = [];
  for (const n0 of graph.nodes) {
    const n = n0.inputs.some((i) => rename.has(i)) ? { ...n0, inputs: n0.inputs.map((i) => rename.get(i) ?? i) } : n0;
    if (NOT_PURE.test(n.opType) || n.outputs.some((o) => outputs.has(o))) {
      nodes.push(n);
      continue;
    }
    const attrs = Object.keys(n.attributes)
      .sort()
      .map((k) => `${k}=${attrKey(n.attributes[k]!)}`)
      .join(';');
    const key = `${n.domain ?? ''}|${n.opType}|${n.inputs.join(',')}|${n.outputs.length}|${attrs}`;
    const prev = seen.get(key);
    if (prev) {
      n.outputs.forEach((o, i) => {
        if (o) rename.set(o, prev.outputs[i]!);
      });
      continue;
    }
    seen.set(key, n);
    nodes.push(n);
  }
  return { graph: { ...graph, nodes }, removed: graph.nodes.length - nodes.length };
}
