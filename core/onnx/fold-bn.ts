/**
 * Folds inference-mode batch norm into the conv before it, as PyTorch's exporter does:
 *   s = gamma / sqrt(running_var + eps);  W' = W * s (per output channel);  b' = (b - mean) * s + beta.
 * One Conv instead of Conv + BatchNormalization: smaller and faster to run, same outputs up to
 * float32 rounding. Works on a copy of the expanded graph; the checkpoint is not modified.
 */
import type { ExpandedGraph, ExpandedWeight, Primitive, PrimitiveRef } from '../graph/expanded';

export interface FoldResult {
  graph: ExpandedGraph;
  weights: Map<string, Float32Array>;
  folded: number;
}

export function foldBatchNorm(graph: ExpandedGraph, weights: ReadonlyMap<string, Float32Array>): FoldResult {
  const out = new Map(weights);
  const byId = new Map(graph.nodes.map((p) => [p.id, p]));
  const readers = new Map<string, number>();
  for (const p of graph.nodes) if (p.live) for (const r of p.inputs) readers.set(`${r.node}:${r.port}`, (readers.get(`${r.node}:${r.port}`) ?? 0) + 1);

  const replaced = new Map<string, Primitive>();
  const removed = new Map<string, PrimitiveRef>();
  for (const bn of graph.nodes) {
    if (!bn.live || bn.type !== 'batchnorm2d') continue;
    const src = bn.inputs[0];
    const conv = src ? (replaced.get(src.node) ?? byId.get(src.node)) : undefined;
    if (!src || !conv || conv.type !== 'conv2d' || src.port !== 0 || readers.get(`${src.node}:0`) !== 1) continue;
    const get = (s: string) => out.get(`${bn.name}.${s}`)!;
    const [gamma, beta, mean, variance] = [get('weight'), get('bias'), get('running_mean'), get('running_var')];
    const eps = bn.params.eps as number;
    const w = out.get(`${conv.name}.weight`)!;
    const filters = gamma.length;
    const per = w.length / filters;
    const biasName = `${conv.name}.bias`;
    const oldBias = conv.params.bias === true ? out.get(biasName) : undefined;
    const w2 = new Float32Array(w.length);
    const b2 = new Float32Array(filters);
    for (let c = 0; c < filters; c++) {
      const s = gamma[c]! / Math.sqrt(variance[c]! + eps);
      for (let i = 0; i < per; i++) w2[c * per + i] = w[c * per + i]! * s;
      b2[c] = ((oldBias?.[c] ?? 0) - mean[c]!) * s + beta[c]!;
    }
    out.set(`${conv.name}.weight`, w2);
    out.set(biasName, b2);
    const biasWeight: ExpandedWeight = {
      name: biasName,
      node: conv.id,
      suffix: 'bias',
      shape: [filters],
      init: { kind: 'const', value: 0 },
      role: 'param',
      trainable: true,
    };
    replaced.set(conv.id, {
      ...conv,
      params: { ...conv.params, bias: true },
      weights: conv.params.bias === true ? conv.weights : [...conv.weights, biasWeight],
      paramCount: conv.paramCount + (conv.params.bias === true ? 0 : filters),
    });
    removed.set(bn.id, { node: conv.id, port: 0 });
  }

  const remap = (r: PrimitiveRef): PrimitiveRef => removed.get(r.node) ?? r;
  const nodes = graph.nodes
    .filter((p) => !removed.has(p.id))
    .map((p) => {
      const q = replaced.get(p.id) ?? p;
      return { ...q, inputs: q.inputs.map(remap) };
    });
  for (const id of removed.keys()) {
    for (const s of ['weight', 'bias', 'running_mean', 'running_var']) out.delete(`${byId.get(id)!.name}.${s}`);
  }
  const edges = graph.edges.filter((e) => !removed.has(e.to.node)).map((e) => ({ from: remap(e.from), to: e.to }));
  const result: ExpandedGraph = {
    ...graph,
    nodes,
    edges,
    weights: nodes.filter((p) => p.live).flatMap((p) => p.weights),
  };
  return { graph: result, weights: out, folded: removed.size };
}
