import type { Model } from '../../core/onnx/ir';

/**
 * Learnable parameters of an ONNX model: float initializer elements, counted once per value a
 * node reads. PyTorch's exporter shares identical tensors through Identity nodes (e.g. the zero
 * biases batch-norm folding leaves), which are separate parameters of the network.
 */
export function onnxParamCount(model: Model): number {
  const inits = new Map(model.graph.initializers.map((t) => [t.name, t]));
  const alias = new Map<string, string>();
  for (const n of model.graph.nodes) if (n.opType === 'Identity' && n.inputs[0] && n.outputs[0]) alias.set(n.outputs[0], n.inputs[0]);
  const canon = (v: string): string => (alias.has(v) ? canon(alias.get(v)!) : v);
  const seen = new Set<string>();
  let total = 0;
  for (const n of model.graph.nodes) {
    if (n.opType === 'Identity') continue;
    for (const i of n.inputs) {
      if (seen.has(i)) continue;
      const t = inits.get(canon(i));
      // Integer initializers are shapes and axes, not parameters.
      if (!t || !t.dtype.startsWith('float')) continue;
      seen.add(i);
      total += t.data.length;
    }
  }
  return total;
}
