/**
 * Static shape inference over the ONNX IR for the ops that CNN forward graphs, batch-norm lowering
 * and losses use. Every dim is a number: symbolic dims of graph inputs are bound by `dims` (or all
 * to `batch`), because a training graph is built for one batch size (ORT sessions are static anyway).
 *
 * Small int64 constants (initializers, Constant nodes, Shape of a static value and simple
 * arithmetic on those) are folded so that Reshape / Unsqueeze / Slice targets are known.
 */
import type { DType, Graph, Node, Tensor } from '../onnx/ir';
import { attrInt, attrInts, normAxis, pooledSize, spatialParams } from './attrs';

export interface ValueShape {
  dtype: DType;
  shape: number[];
}

export interface ShapeInfo {
  shapes: Map<string, ValueShape>;
  /** Folded int64 (and small float) constants by value name. */
  consts: Map<string, number[]>;
}

export interface ShapeInferOptions {
  /** Binds a symbolic dim name to a number, e.g. { batch: 64 }. */
  dims?: Record<string, number>;
  /** Binds every symbolic dim not in `dims` (typically the batch size). */
  batch?: number;
}

export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const x = a[a.length - r + i] ?? 1;
    const y = b[b.length - r + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new Error(`shapes [${a.join(',')}] and [${b.join(',')}] do not broadcast`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

function tensorNumbers(t: Tensor): number[] | undefined {
  if (t.data.length > 64) return undefined;
  return Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v));
}

const UNARY_SAME = new Set([
  'Relu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Sqrt', 'Neg', 'Exp', 'Log', 'Reciprocal', 'Abs', 'Identity', 'Softmax',
  'LogSoftmax', 'Elu', 'Selu', 'Softplus', 'Softsign', 'HardSigmoid', 'HardSwish', 'Clip', 'Erf', 'LRN', 'Floor',
  'Ceil', 'Round', 'Sign', 'Not', 'Dropout', 'BatchNormalization', 'InstanceNormalization', 'Gelu', 'PRelu',
]);
const BINARY = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Sum', 'Mean']);
const COMPARE = new Set(['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'And', 'Or', 'Xor']);

/**
 * Infers the dtype and static shape of every value in `graph` (nodes must be topologically
 * sorted, as ONNX requires). Throws with the node name when an op or a dynamic shape is unsupported.
 */
export function inferShapes(graph: Graph, opts: ShapeInferOptions = {}): ShapeInfo {
  const shapes = new Map<string, ValueShape>();
  const consts = new Map<string, number[]>();
  const bind = (d: number | string): number => {
    if (typeof d === 'number') return d;
    const v = opts.dims?.[d] ?? opts.batch;
    if (v === undefined) throw new Error(`symbolic dim "${d}" is not bound (pass batch or dims)`);
    return v;
  };
  for (const t of graph.initializers) {
    shapes.set(t.name, { dtype: t.dtype, shape: [...t.dims] });
    const v = tensorNumbers(t);
    if (v) consts.set(t.name, v);
  }
  for (const i of graph.inputs) if (!shapes.has(i.name)) shapes.set(i.name, { dtype: i.dtype, shape: i.shape.map(bind) });
  for (const node of graph.nodes) inferNode(node, shapes, consts);
  return { shapes, consts };
}

/** Infers one node's outputs into `shapes` (exported so that graph rewrites can extend a ShapeInfo). */
export function inferNode(node: Node, shapes: Map<string, ValueShape>, consts: Map<string, number[]>): void {
  const where = () => `${node.opType} node "${node.name}"`;
  const get = (i: number): ValueShape => {
    const n = node.inputs[i];
    const s = n ? shapes.get(n) : undefined;
    if (!s) throw new Error(`${where()}: shape of input ${i} ("${n ?? ''}") is unknown`);
    return s;
  };
  const has = (i: number) => (node.inputs[i] ?? '') !== '';
  const constOf = (i: number): number[] => {
    const v = consts.get(node.inputs[i] ?? '');
    if (!v) throw new Error(`${where()}: input ${i} must be a constant for static shapes`);
    return v;
  };
  const set = (i: number, v: ValueShape) => {
    const n = node.outputs[i];
    if (n) shapes.set(n, v);
  };
  const op = node.opType;

  if (op === 'Constant') {
    const t = node.attributes.value;
    if (t?.kind === 'tensor') {
      set(0, { dtype: t.value.dtype, shape: [...t.value.dims] });
      const v = tensorNumbers(t.value);
      if (v) consts.set(node.outputs[0]!, v);
      return;
    }
    const vf = node.attributes.value_float ?? node.attributes.value_int;
    if (vf && (vf.kind === 'float' || vf.kind === 'int')) {
      set(0, { dtype: vf.kind === 'float' ? 'float32' : 'int64', shape: [] });
      consts.set(node.outputs[0]!, [vf.value]);
      return;
    }
    const vs = node.attributes.value_floats ?? node.attributes.value_ints;
    if (vs && (vs.kind === 'floats' || vs.kind === 'ints')) {
      set(0, { dtype: node.attributes.value_floats ? 'float32' : 'int64', shape: [vs.value.length] });
      consts.set(node.outputs[0]!, [...vs.value]);
      return;
    }
    throw new Error(`${where()}: unsupported Constant form`);
  }

  if (op === 'BatchNormalization') {
    const s = get(0);
    set(0, { dtype: s.dtype, shape: [...s.shape] });
    for (let i = 1; i < node.outputs.length; i++) set(i, { dtype: s.dtype, shape: [s.shape[1]!] });
    return;
  }
  if (op === 'Dropout') {
    const s = get(0);
    set(0, { dtype: s.dtype, shape: [...s.shape] });
    set(1, { dtype: 'bool', shape: [...s.shape] });
    return;
  }
  if (UNARY_SAME.has(op)) {
    const s = get(0);
    set(0, { dtype: s.dtype, shape: [...s.shape] });
    return;
  }
  if (BINARY.has(op) || COMPARE.has(op)) {
    let shape = get(0).shape;
    for (let i = 1; i < node.inputs.length; i++) if (has(i)) shape = broadcastShapes(shape, get(i).shape);
    set(0, { dtype: COMPARE.has(op) ? 'bool' : get(0).dtype, shape });
    const a = consts.get(node.inputs[0] ?? '');
    const b = consts.get(node.inputs[1] ?? '');
    if (a && b && node.inputs.length === 2 && (a.length === b.length || a.length === 1 || b.length === 1)) {
      const n = Math.max(a.length, b.length);
      const f: Record<string, (p: number, q: number) => number> = {
        Add: (p, q) => p + q, Sub: (p, q) => p - q, Mul: (p, q) => p * q,
        Div: (p, q) => (get(0).dtype === 'int64' ? Math.trunc(p / q) : p / q),
      };
      const fn = f[op];
      if (fn) consts.set(node.outputs[0]!, Array.from({ length: n }, (_, i) => fn(a[a.length === 1 ? 0 : i]!, b[b.length === 1 ? 0 : i]!)));
    }
    return;
  }
  if (op === 'Where') {
    set(0, { dtype: get(1).dtype, shape: broadcastShapes(broadcastShapes(get(0).shape, get(1).shape), get(2).shape) });
    return;
  }
  if (op === 'Cast') {
    set(0, { dtype: castType(attrInt(node, 'to', 1)), shape: [...get(0).shape] });
    const v = consts.get(node.inputs[0]!);
    if (v) consts.set(node.outputs[0]!, v);
    return;
  }
  if (op === 'Shape') {
    const s = get(0).shape;
    const start = normAxis(attrInt(node, 'start', 0), s.length);
    const endA = node.attributes.end ? normAxis(attrInt(node, 'end', s.length), s.length) : s.length;
    const v = s.slice(start, endA);
    set(0, { dtype: 'int64', shape: [v.length] });
    consts.set(node.outputs[0]!, v);
    return;
  }
  if (op === 'Size') {
    set(0, { dtype: 'int64', shape: [] });
    consts.set(node.outputs[0]!, [get(0).shape.reduce((p, q) => p * q, 1)]);
    return;
  }
  if (op === 'ConstantOfShape') {
    const t = node.attributes.value;
    set(0, { dtype: t?.kind === 'tensor' ? t.value.dtype : 'float32', shape: constOf(0) });
    return;
  }
  if (op === 'Range') {
    const [s0, l0, d0] = [constOf(0)[0]!, constOf(1)[0]!, constOf(2)[0]!];
    const n = Math.max(0, Math.ceil((l0 - s0) / d0));
    set(0, { dtype: get(0).dtype, shape: [n] });
    if (n <= 64) consts.set(node.outputs[0]!, Array.from({ length: n }, (_, i) => s0 + i * d0));
    return;
  }
  if (op === 'OneHot') {
    const s = get(0).shape;
    const depth = constOf(1)[0]!;
    const axis = normAxis(attrInt(node, 'axis', -1), s.length + 1);
    const shape = [...s];
    shape.splice(axis, 0, depth);
    set(0, { dtype: get(2).dtype, shape });
    return;
  }

  if (op === 'Conv' || op === 'ConvTranspose') {
    const s = get(0).shape;
    const w = get(1).shape;
    const sp = s.slice(2);
    const p = spatialParams(node, sp, w.slice(2));
    const group = attrInt(node, 'group', 1);
    const out: number[] = [s[0]!, op === 'Conv' ? w[0]! : w[1]! * group];
    const outPad = attrInts(node, 'output_padding') ?? sp.map(() => 0);
    const outShape = attrInts(node, 'output_shape');
    for (let i = 0; i < sp.length; i++) {
      if (op === 'Conv') out.push(pooledSize(sp[i]!, p.kernel[i]!, p.strides[i]!, p.dilations[i]!, p.pads[i]!, p.pads[i + sp.length]!, false));
      else out.push(outShape ? outShape[i]! : p.strides[i]! * (sp[i]! - 1) + outPad[i]! + (p.kernel[i]! - 1) * p.dilations[i]! + 1 - p.pads[i]! - p.pads[i + sp.length]!);
    }
    set(0, { dtype: get(0).dtype, shape: out });
    return;
  }
  if (op === 'MaxPool' || op === 'AveragePool' || op === 'LpPool') {
    const s = get(0).shape;
    const sp = s.slice(2);
    const p = spatialParams(node, sp);
    const out = [s[0]!, s[1]!];
    for (let i = 0; i < sp.length; i++) out.push(pooledSize(sp[i]!, p.kernel[i]!, p.strides[i]!, p.dilations[i]!, p.pads[i]!, p.pads[i + sp.length]!, p.ceil));
    set(0, { dtype: get(0).dtype, shape: out });
    set(1, { dtype: 'int64', shape: [...out] });
    return;
  }
  if (op === 'GlobalAveragePool' || op === 'GlobalMaxPool') {
    const s = get(0).shape;
    set(0, { dtype: get(0).dtype, shape: [s[0]!, s[1]!, ...s.slice(2).map(() => 1)] });
    return;
  }
  if (op === 'Gemm') {
    const a = get(0).shape;
    const b = get(1).shape;
    const m = attrInt(node, 'transA', 0) ? a[1]! : a[0]!;
    const n = attrInt(node, 'transB', 0) ? b[0]! : b[1]!;
    set(0, { dtype: get(0).dtype, shape: [m, n] });
    return;
  }
  if (op === 'MatMul') {
    const a = get(0).shape;
    const b = get(1).shape;
    const a2 = a.length === 1 ? [1, a[0]!] : a;
    const b2 = b.length === 1 ? [b[0]!, 1] : b;
    const batch = broadcastShapes(a2.slice(0, -2), b2.slice(0, -2));
    const out = [...batch, a2[a2.length - 2]!, b2[b2.length - 1]!];
    if (a.length === 1) out.splice(out.length - 2, 1);
    if (b.length === 1) out.splice(out.length - 1, 1);
    set(0, { dtype: get(0).dtype, shape: out });
    return;
  }
  if (op === 'Flatten') {
    const s = get(0).shape;
    const axis = normAxis(attrInt(node, 'axis', 1), s.length);
    const lead = s.slice(0, axis).reduce((p, q) => p * q, 1);
    const tail = s.slice(axis).reduce((p, q) => p * q, 1);
    set(0, { dtype: get(0).dtype, shape: [lead, tail] });
    return;
  }
  if (op === 'Reshape') {
    const s = get(0).shape;
    const target = [...constOf(1)];
    const allowZero = attrInt(node, 'allowzero', 0) === 1;
    for (let i = 0; i < target.length; i++) if (target[i] === 0 && !allowZero) target[i] = s[i]!;
    const total = s.reduce((p, q) => p * q, 1);
    const known = target.filter((d) => d !== -1).reduce((p, q) => p * q, 1);
    const shape = target.map((d) => (d === -1 ? total / known : d));
    set(0, { dtype: get(0).dtype, shape });
    const v = consts.get(node.inputs[0]!);
    if (v) consts.set(node.outputs[0]!, v);
    return;
  }
  if (op === 'Transpose') {
    const s = get(0).shape;
    const perm = attrInts(node, 'perm') ?? s.map((_, i) => s.length - 1 - i);
    set(0, { dtype: get(0).dtype, shape: perm.map((p) => s[p]!) });
    return;
  }
  if (op === 'Squeeze' || op === 'Unsqueeze') {
    const s = get(0).shape;
    const axes = has(1) ? constOf(1) : attrInts(node, 'axes');
    let shape: number[];
    if (op === 'Squeeze') {
      const ax = axes ? axes.map((a) => normAxis(a, s.length)) : s.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0);
      shape = s.filter((_, i) => !ax.includes(i));
    } else {
      if (!axes) throw new Error(`${where()}: axes missing`);
      const r = s.length + axes.length;
      const ax = axes.map((a) => normAxis(a, r));
      shape = [];
      let j = 0;
      for (let i = 0; i < r; i++) shape.push(ax.includes(i) ? 1 : s[j++]!);
    }
    set(0, { dtype: get(0).dtype, shape });
    const v = consts.get(node.inputs[0]!);
    if (v) consts.set(node.outputs[0]!, v);
    return;
  }
  if (op === 'Concat') {
    const s0 = get(0).shape;
    const axis = normAxis(attrInt(node, 'axis', 0), s0.length);
    const shape = [...s0];
    shape[axis] = 0;
    const vals: number[] = [];
    let allConst = true;
    for (let i = 0; i < node.inputs.length; i++) {
      shape[axis]! += get(i).shape[axis]!;
      const v = consts.get(node.inputs[i]!);
      if (v) vals.push(...v);
      else allConst = false;
    }
    set(0, { dtype: get(0).dtype, shape });
    if (allConst && s0.length === 1) consts.set(node.outputs[0]!, vals);
    return;
  }
  if (op === 'Split') {
    const s = get(0).shape;
    const axis = normAxis(attrInt(node, 'axis', 0), s.length);
    const n = node.outputs.length;
    let sizes = has(1) ? constOf(1) : attrInts(node, 'split');
    if (!sizes) {
      const each = Math.ceil(s[axis]! / n);
      sizes = Array.from({ length: n }, (_, i) => Math.min(each, s[axis]! - i * each));
    }
    for (let i = 0; i < n; i++) {
      const shape = [...s];
      shape[axis] = sizes[i]!;
      set(i, { dtype: get(0).dtype, shape });
    }
    return;
  }
  if (op === 'Slice') {
    const s = get(0).shape;
    const starts = constOf(1);
    const ends = constOf(2);
    const axes = has(3) ? constOf(3) : starts.map((_, i) => i);
    const steps = has(4) ? constOf(4) : starts.map(() => 1);
    const shape = [...s];
    const v = consts.get(node.inputs[0]!);
    let vals = v ? [...v] : undefined;
    for (let i = 0; i < axes.length; i++) {
      const ax = normAxis(axes[i]!, s.length);
      const dim = s[ax]!;
      const step = steps[i]!;
      const clampS = (x: number) => {
        const y = x < 0 ? x + dim : x;
        return step > 0 ? Math.min(Math.max(y, 0), dim) : Math.min(Math.max(y, -1), dim - 1);
      };
      const st = clampS(starts[i]!);
      const en = clampS(ends[i]!);
      shape[ax] = Math.max(0, Math.ceil((en - st) / step));
      if (vals && s.length === 1) {
        const out: number[] = [];
        for (let k = st; step > 0 ? k < en : k > en; k += step) out.push(vals[k]!);
        vals = out;
      }
    }
    set(0, { dtype: get(0).dtype, shape });
    if (vals && s.length === 1) consts.set(node.outputs[0]!, vals);
    return;
  }
  if (op === 'Gather') {
    const s = get(0).shape;
    const idx = get(1).shape;
    const axis = normAxis(attrInt(node, 'axis', 0), s.length);
    set(0, { dtype: get(0).dtype, shape: [...s.slice(0, axis), ...idx, ...s.slice(axis + 1)] });
    const v = consts.get(node.inputs[0]!);
    const iv = consts.get(node.inputs[1]!);
    if (v && iv && s.length === 1) consts.set(node.outputs[0]!, iv.map((i) => v[i < 0 ? i + v.length : i]!));
    return;
  }
  if (op === 'GatherElements' || op === 'ScatterElements' || op === 'ScatterND') {
    set(0, { dtype: get(0).dtype, shape: [...(op === 'GatherElements' ? get(1) : get(0)).shape] });
    return;
  }
  if (op === 'Expand') {
    set(0, { dtype: get(0).dtype, shape: broadcastShapes(get(0).shape, constOf(1)) });
    return;
  }
  if (op === 'Tile') {
    const r = constOf(1);
    set(0, { dtype: get(0).dtype, shape: get(0).shape.map((d, i) => d * r[i]!) });
    return;
  }
  if (op === 'Pad') {
    const s = get(0).shape;
    const pads = has(1) ? constOf(1) : attrInts(node, 'pads') ?? [];
    const axes = has(3) ? constOf(3).map((a) => normAxis(a, s.length)) : s.map((_, i) => i);
    const shape = [...s];
    axes.forEach((ax, i) => {
      shape[ax] = s[ax]! + pads[i]! + pads[i + axes.length]!;
    });
    set(0, { dtype: get(0).dtype, shape });
    return;
  }
  if (op.startsWith('Reduce') || op === 'ArgMax' || op === 'ArgMin') {
    const s = get(0).shape;
    const keep = attrInt(node, 'keepdims', 1) === 1;
    let axes = attrInts(node, 'axes') ?? (op.startsWith('Arg') ? [attrInt(node, 'axis', 0)] : undefined);
    if (!axes && has(1)) axes = constOf(1);
    if (!axes || axes.length === 0) {
      axes = attrInt(node, 'noop_with_empty_axes', 0) === 1 ? [] : s.map((_, i) => i);
    }
    const ax = axes.map((a) => normAxis(a, s.length));
    const shape: number[] = [];
    s.forEach((d, i) => {
      if (!ax.includes(i)) shape.push(d);
      else if (keep) shape.push(1);
    });
    set(0, { dtype: op.startsWith('Arg') ? 'int64' : get(0).dtype, shape });
    return;
  }
  if (op === 'MaxUnpool') {
    const outShape = has(2) ? constOf(2) : undefined;
    if (!outShape) throw new Error(`${where()}: output_shape input required`);
    set(0, { dtype: get(0).dtype, shape: outShape });
    return;
  }
  throw new Error(`${where()}: no shape rule for op ${op}`);
}

function castType(to: number): DType {
  const map: Record<number, DType> = { 1: 'float32', 2: 'uint8', 3: 'int8', 6: 'int32', 7: 'int64', 9: 'bool', 10: 'float16', 11: 'float64' };
  const t = map[to];
  if (!t) throw new Error(`Cast to ONNX type ${to} is not supported`);
  return t;
}
