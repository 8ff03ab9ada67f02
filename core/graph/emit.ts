/**
 * Emits the forward pass of an expanded graph as standard ai.onnx ops (opset 17) through a
 * GraphBuilder. ONNX export calls it with { training: false }; the training-graph builder with
 * { training: true } (batch-statistics batch norm as differentiable ops, running-stat updates
 * returned, dropout per ctx.dropout). Frozen primitives are emitted in inference form even then.
 */
import type { GraphBuilder } from '../onnx/builder';
import type { Dim } from '../onnx/ir';
import type { EmitContext } from '../blocks/define';
import type { ExpandedGraph, ExpandedWeight } from './expanded';
import { GraphError } from './errors';

export interface ForwardContext extends EmitContext {
  /** Value names for Input blocks by block name; absent ones are declared as graph inputs named after the block. */
  inputs?: Record<string, string>;
}

/** Weight name -> value name, or a function; null: the value is named exactly as the weight. */
export type WeightBinding = Record<string, string> | ((w: ExpandedWeight) => string) | null;

export interface ForwardResult {
  /** Graph inputs emitForward declared (or was given) for Input blocks. */
  inputs: { node: string; name: string; value: string; shape: Dim[] }[];
  /** Logits per Output block; the caller declares graph outputs. */
  outputs: { node: string; name: string; value: string; shape: Dim[] }[];
  /** Output value names per primitive id. */
  values: Map<string, string[]>;
  /** Training: new values of buffers, by weight name (e.g. 'bn1.running_mean'). */
  stateUpdates: { weight: string; value: string }[];
  /** Extra graph inputs declared by blocks (dropout masks in 'mask-input' mode). */
  extraInputs: { node: string; value: string; purpose: string }[];
  notes: string[];
}

export function emitForward(graph: ExpandedGraph, g: GraphBuilder, weights: WeightBinding, ctx: ForwardContext): ForwardResult {
  if (!graph.ok) {
    const errs = graph.diagnostics.filter((d) => d.severity === 'error');
    throw new GraphError(
      `the model has ${errs.length} error(s): ${errs
        .slice(0, 3)
        .map((d) => d.message)
        .join('; ')}`,
      errs,
    );
  }
  const batch = ctx.batch ?? 'N';
  const bind = (w: ExpandedWeight): string => {
    if (weights === null) return w.name;
    if (typeof weights === 'function') return weights(w);
    const v = weights[w.name];
    if (v === undefined) throw new GraphError(`no value bound for weight "${w.name}"`);
    return v;
  };
  const res: ForwardResult = { inputs: [], outputs: [], values: new Map(), stateUpdates: [], extraInputs: [], notes: [] };
  graph.nodes.forEach((p, index) => {
    if (!p.live) return;
    if (p.type === 'input') {
      const shape: Dim[] = [batch, ...p.outShapes[0]!];
      const given = ctx.inputs?.[p.name];
      const value = given ?? g.input(p.name, 'float32', shape);
      res.inputs.push({ node: p.id, name: p.name, value, shape });
      res.values.set(p.id, [value]);
      return;
    }
    const inputs = p.inputs.map((r) => {
      const v = res.values.get(r.node)?.[r.port];
      if (v === undefined) throw new GraphError(`"${p.name}" reads a value that was not emitted`);
      return v;
    });
    const w: Record<string, string> = {};
    for (const wt of p.weights) w[wt.suffix] = bind(wt);
    // A frozen primitive runs in inference mode inside a training graph (running statistics, no dropout).
    const own = p.frozen && ctx.training ? { ...ctx, training: false } : ctx;
    const out = g.withScope(p.name, () =>
      p.block.emit(g, {
        name: p.name,
        inputs,
        weights: w,
        inShapes: p.inShapes as number[][],
        outShapes: p.outShapes as number[][],
        params: p.params,
        ctx: own,
        index,
      }),
    );
    res.values.set(p.id, out.outputs);
    for (const u of out.stateUpdates ?? []) res.stateUpdates.push({ weight: `${p.name}.${u.suffix}`, value: u.value });
    for (const x of out.extraInputs ?? []) res.extraInputs.push({ node: p.id, ...x });
    res.notes.push(...(out.notes ?? []));
    if (p.type === 'output') res.outputs.push({ node: p.id, name: p.name, value: out.outputs[0]!, shape: [batch, ...p.outShapes[0]!] });
  });
  return res;
}
