/**
 * Reverse-mode automatic differentiation over an ONNX graph.
 *
 * Given forward nodes (topologically sorted), static shapes, the gradients of some values (seeds,
 * e.g. d loss / d logits) and the values to differentiate with respect to (trainable weights), it
 * appends backward nodes to a GraphBuilder:
 * - only nodes on a path from a trainable value to a seed are differentiated (a node's inputs get
 *   gradients only where `need` says they lead back to a trainable value),
 * - a value used by several nodes receives the Sum of their contributions (fan-out accumulation),
 * - broadcasting binary ops reduce their gradients back to the input shape (ctx.unbroadcast).
 */
import type { GraphBuilder } from '../onnx/builder';
import type { DType, Graph, Node } from '../onnx/ir';
import { NON_DIFFERENTIABLE, opRecord } from '../ops/registry';
import type { GradContext, GradOptions, GradRule, OutputsGradRule } from './grad/types';
import type { ShapeInfo, ValueShape } from './shape-infer';
import { matchBatchNormTrain } from './fuse-bn';

export interface BackwardSpec {
  /** Forward graph whose nodes are differentiated (its nodes must already be in `builder`). */
  graph: Graph;
  /** Shapes of every forward value (inferShapes). */
  info: ShapeInfo;
  /** Gradient seeds: forward value -> name of a value (in builder) holding d loss / d value. */
  seeds: Record<string, string>;
  /** Values to differentiate with respect to (trainable initializers or inputs). */
  wrt: readonly string[];
  builder: GraphBuilder;
  options?: GradOptions;
  /** Extra or overriding rules (by op type; every input differentiable). */
  rules?: Record<string, GradRule>;
}

export interface BackwardResult {
  /** wrt value -> gradient value name. Values the loss does not depend on get zeros. */
  grads: Map<string, string>;
  /** wrt values that do not influence the seeds (their gradient is all zeros). */
  unused: string[];
  /** Shapes of values created by the rules (for later passes). */
  shapes: Map<string, ValueShape>;
}

const FLOAT_TYPES = new Set<DType>(['float32', 'float16', 'float64']);

export function buildBackward(spec: BackwardSpec): BackwardResult {
  const { graph, info, builder: g } = spec;
  const nodes = (spec.options?.fuseBatchNorm ?? true) ? withBatchNormTrain(graph, info) : graph.nodes;
  const extraShapes = new Map<string, ValueShape>();
  const producer = new Map<string, Node>();
  for (const n of nodes) for (const o of n.outputs) if (o) producer.set(o, n);

  const shapeOf = (v: string): ValueShape => {
    const s = info.shapes.get(v) ?? extraShapes.get(v);
    if (!s) throw new Error(`autodiff: static shape of "${v}" is unknown`);
    return s;
  };
  const isFloat = (v: string) => {
    const s = info.shapes.get(v) ?? extraShapes.get(v);
    return !!s && FLOAT_TYPES.has(s.dtype);
  };

  // Forward pass: values that depend on a trainable value.
  const dep = new Set<string>(spec.wrt);
  for (const n of nodes) {
    if (NON_DIFFERENTIABLE.has(n.opType)) continue;
    if (n.inputs.some((i) => i !== '' && dep.has(i))) for (const o of n.outputs) if (o && isFloat(o)) dep.add(o);
  }
  // Backward pass: values from which a seed is reachable.
  const reach = new Set<string>(Object.keys(spec.seeds));
  for (let k = nodes.length - 1; k >= 0; k--) {
    const n = nodes[k]!;
    if (n.outputs.some((o) => o && reach.has(o))) for (const i of n.inputs) if (i) reach.add(i);
  }

  const ctx = gradContext(g, info, spec.options ?? {}, extraShapes, producer);

  const contrib = new Map<string, string[]>();
  for (const [v, d] of Object.entries(spec.seeds)) {
    contrib.set(v, [d]);
    if (!extraShapes.has(d) && !info.shapes.has(d)) extraShapes.set(d, shapeOf(v));
  }
  const finalized = new Map<string, string | undefined>();
  const finalize = (v: string): string | undefined => {
    if (finalized.has(v)) return finalized.get(v);
    const list = contrib.get(v);
    let out: string | undefined;
    if (!list || list.length === 0) out = undefined;
    else if (list.length === 1) out = list[0];
    else {
      out =
        spec.options?.accumulate === 'add'
          ? list.slice(1).reduce((acc, d) => g.op1('Add', [acc, d], {}, { name: 'grad_accum' }), list[0]!)
          : g.op1('Sum', list, {}, { name: 'grad_accum' });
      extraShapes.set(out, shapeOf(v));
    }
    finalized.set(v, out);
    return out;
  };

  const addContribution = (inp: string, d: string) => {
    // A gradient has its input's shape; rules need not record it.
    if (!extraShapes.has(d) && !info.shapes.has(d)) extraShapes.set(d, { dtype: 'float32', shape: [...shapeOf(inp).shape] });
    const list = contrib.get(inp);
    if (list) list.push(d);
    else contrib.set(inp, [d]);
  };
  for (let k = nodes.length - 1; k >= 0; k--) {
    const n = nodes[k]!;
    if (NON_DIFFERENTIABLE.has(n.opType)) continue;
    const active = n.outputs.some((o) => o && reach.has(o) && dep.has(o));
    if (!active) continue;
    const dOut = n.outputs.map((o) => (o ? finalize(o) : undefined));
    const gradient = gradientOf(n, spec.rules);
    // Only inputs the op differentiates, that lead to a trainable value, need a gradient.
    const need = n.inputs.map((i, at) => i !== '' && dep.has(i) && isFloat(i) && (gradient?.differentiable?.includes(at) ?? true));
    if (!need.some(Boolean)) continue;
    const dIn = applyGradient(n, gradient, dOut, ctx, need);
    n.inputs.forEach((inp, i) => {
      const d = dIn[i];
      if (need[i] && d) addContribution(inp, d);
    });
  }

  const grads = new Map<string, string>();
  const unused: string[] = [];
  for (const w of spec.wrt) {
    const d = finalize(w);
    if (d) grads.set(w, d);
    else {
      unused.push(w);
      grads.set(w, ctx.zeros(shapeOf(w).shape));
    }
  }
  return { grads, unused, shapes: extraShapes };
}

type NodeGradient =
  { kind: 'output0'; differentiable?: readonly number[]; rule: GradRule } | { kind: 'outputs'; differentiable?: readonly number[]; rule: OutputsGradRule };

/** The gradient of a node's op: an overriding rule from the spec, else its record's (core/ops). */
function gradientOf(n: Node, overrides: Record<string, GradRule> | undefined): NodeGradient | undefined {
  const override = overrides?.[n.opType];
  if (override) return { kind: 'output0', rule: override };
  const r = opRecord(n.opType);
  if (r?.gradFromOutputs) return { kind: 'outputs', differentiable: r.differentiable, rule: r.gradFromOutputs };
  if (r?.grad) return { kind: 'output0', differentiable: r.differentiable, rule: r.grad };
  return undefined;
}

/** The context rules emit through: shapes of forward and rule-made values, deduplicated constants. */
function gradContext(
  g: GraphBuilder,
  info: ShapeInfo,
  options: GradOptions,
  extraShapes: Map<string, ValueShape>,
  producer: ReadonlyMap<string, Node>,
): GradContext {
  const shapeOf = (v: string): ValueShape => {
    const s = info.shapes.get(v) ?? extraShapes.get(v);
    if (!s) throw new Error(`autodiff: static shape of "${v}" is unknown`);
    return s;
  };
  const constCache = new Map<string, string>();
  const zerosCache = new Map<string, string>();
  const ctx: GradContext = {
    g,
    options,
    shape: (v) => shapeOf(v).shape,
    dtype: (v) => shapeOf(v).dtype,
    constValue: (v) => info.consts.get(v),
    producer: (v) => producer.get(v),
    i64(values, dims) {
      const d = dims ?? [values.length];
      const key = `i64|${d.join(',')}|${values.join(',')}`;
      let name = constCache.get(key);
      if (!name) {
        name = g.constInt64('grad_const', values, d);
        constCache.set(key, name);
        extraShapes.set(name, { dtype: 'int64', shape: d });
      }
      return name;
    },
    f32(values, dims) {
      const d = dims ?? (values.length === 1 ? [] : [values.length]);
      const small = values.length <= 64;
      const key = small ? `f32|${d.join(',')}|${values.join(',')}` : '';
      let name = small ? constCache.get(key) : undefined;
      if (!name) {
        name = g.constFloat('grad_const', values, d);
        if (small) constCache.set(key, name);
        extraShapes.set(name, { dtype: 'float32', shape: d });
      }
      return name;
    },
    zeros(shape) {
      const key = shape.join(',');
      let name = zerosCache.get(key);
      if (!name) {
        name = g.op1(
          'ConstantOfShape',
          [ctx.i64(shape)],
          {
            value: { name: 'value', dtype: 'float32', dims: [1], data: new Float32Array(1) },
          },
          { name: 'grad_zeros' },
        );
        zerosCache.set(key, name);
        extraShapes.set(name, { dtype: 'float32', shape });
      }
      return name;
    },
    unbroadcast(grad, from, to) {
      if (from.length === to.length && from.every((d, i) => d === to[i])) return grad;
      const lead = from.length - to.length;
      const axes: number[] = [];
      for (let i = 0; i < from.length; i++) {
        if (i < lead) axes.push(i);
        else if (to[i - lead] === 1 && from[i] !== 1) axes.push(i);
      }
      let v = grad;
      if (axes.length > 0) v = g.op1('ReduceSum', [v, ctx.i64(axes)], { keepdims: 1 });
      const reduced = from.map((d, i) => (axes.includes(i) ? 1 : d));
      if (reduced.length !== to.length || reduced.some((d, i) => d !== to[i])) v = g.op1('Reshape', [v, ctx.i64(to)]);
      extraShapes.set(v, { dtype: 'float32', shape: [...to] });
      return v;
    },
    setShape(v, shape, dtype = 'float32') {
      extraShapes.set(v, { dtype, shape: [...shape] });
    },
  };

  return ctx;
}

/** Batch norm over its own batch statistics becomes the BatchNormTrain pseudo-op, differentiated as one unit (fuse-bn.ts). */
function withBatchNormTrain(graph: Graph, info: ShapeInfo): Node[] {
  const fwdProducer = new Map<string, Node>();
  for (const n of graph.nodes) for (const o of n.outputs) if (o) fwdProducer.set(o, n);
  return graph.nodes.map((n) => {
    if (n.opType !== 'BatchNormalization') return n;
    const m = matchBatchNormTrain(
      n,
      (v) => fwdProducer.get(v),
      (v) => info.shapes.get(v)?.shape.length ?? 0,
    );
    if (!m) return n;
    const macro: Node = {
      name: n.name,
      opType: 'BatchNormTrain',
      domain: 'cnnstudio.grad',
      inputs: [m.x, m.scale, m.bias],
      outputs: [...n.outputs],
      attributes: { epsilon: { kind: 'float', value: m.epsilon }, xc: { kind: 'string', value: m.xc }, var4: { kind: 'string', value: m.var4 } },
    };
    return macro;
  });
}

/**
 * Runs a node's gradient rule, or returns no gradients when the output it reads has none (output
 * 0 for most ops; any output for rules that read them all, e.g. Split).
 */
function applyGradient(n: Node, gradient: NodeGradient | undefined, dOut: (string | undefined)[], ctx: GradContext, need: boolean[]): (string | undefined)[] {
  const dy = dOut[0];
  if (gradient?.kind === 'outputs') {
    if (dOut.every((d) => d === undefined)) return [];
    return ctx.g.withScope(`grad/${n.name}`, () => gradient.rule(n, dOut, ctx, need));
  }
  if (!dy) return [];
  if (!gradient) throw new Error(`autodiff: no gradient rule for ONNX op ${n.opType} (node "${n.name}")`);
  return ctx.g.withScope(`grad/${n.name}`, () => gradient.rule(n, dy, ctx, need));
}
