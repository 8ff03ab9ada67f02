/**
 * Float32 inference model -> float16 (weights and compute), for GPU targets: every float32
 * initializer, Constant and intermediate value becomes float16. The input and outputs stay
 * float32 behind Cast nodes (callers keep feeding float32) unless `io: 'float16'`.
 */
import type { Attribute, Model, Node, Tensor, ValueInfo } from '../onnx/ir';

const FLOAT16 = 10;
const FLOAT32 = 1;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 binary16 bits of a float32, rounded to nearest even (overflow -> inf, NaN kept). */
export function float16Bits(x: number): number {
  f32[0] = x;
  const bits = u32[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  let mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal half: shift the implicit 1 in, round to nearest even at the cut.
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (half + (rest > mid || (rest === mid && half & 1) ? 1 : 0));
  }
  const half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (and may reach inf).
  const rounded = half + (rest > 0x1000 || (rest === 0x1000 && half & 1) ? 1 : 0);
  return sign | rounded;
}

/** The float32 value of binary16 bits. */
export function float16Value(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

export function toFloat16Array(data: Float32Array): Uint16Array {
  const out = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = float16Bits(data[i]!);
  return out;
}

function halfTensor(t: Tensor): Tensor {
  return t.dtype === 'float32' ? { ...t, dtype: 'float16', data: toFloat16Array(t.data as Float32Array) } : t;
}

function halfAttr(a: Attribute): Attribute {
  return a.kind === 'tensor' ? { kind: 'tensor', value: halfTensor(a.value) } : a;
}

function halfNode(n: Node): Node {
  const attributes: Record<string, Attribute> = {};
  for (const [k, a] of Object.entries(n.attributes)) attributes[k] = halfAttr(a);
  // Casts to float32 inside the graph now cast to float16 (the graph computes in half).
  if (n.opType === 'Cast' && attributes.to?.kind === 'int' && attributes.to.value === FLOAT32) attributes.to = { kind: 'int', value: FLOAT16 };
  return { ...n, attributes };
}

const halfInfo = (v: ValueInfo): ValueInfo => (v.dtype === 'float32' ? { ...v, dtype: 'float16' } : v);

export interface Float16Options {
  /** 'float32' (default): float32 input and outputs with Casts inside; 'float16': half at the boundary too. */
  io?: 'float32' | 'float16';
}

export function convertToFloat16(model: Model, opts: Float16Options = {}): Model {
  const g = model.graph;
  let nodes = g.nodes.map(halfNode);
  const initializers = g.initializers.map(halfTensor);
  if (opts.io === 'float16') {
    return {
      ...model,
      graph: { ...g, nodes, initializers, inputs: g.inputs.map(halfInfo), outputs: g.outputs.map(halfInfo), valueInfo: g.valueInfo.map(halfInfo) },
    };
  }
  const rename = new Map<string, string>();
  const used = new Set([...nodes.flatMap((n) => [...n.inputs, ...n.outputs]), ...initializers.map((t) => t.name)]);
  const fresh = (base: string): string => {
    let name = `${base}_fp16`;
    for (let i = 1; used.has(name); i++) name = `${base}_fp16_${i}`;
    used.add(name);
    return name;
  };
  const inCasts: Node[] = g.inputs
    .filter((v) => v.dtype === 'float32')
    .map((v) => {
      const half = fresh(v.name);
      rename.set(v.name, half);
      return { name: `${v.name}_Cast`, opType: 'Cast', inputs: [v.name], outputs: [half], attributes: { to: { kind: 'int', value: FLOAT16 } } };
    });
  const outCasts: Node[] = g.outputs
    .filter((v) => v.dtype === 'float32')
    .map((v) => {
      const half = fresh(v.name);
      rename.set(v.name, half);
      return { name: `${v.name}_Cast`, opType: 'Cast', inputs: [half], outputs: [v.name], attributes: { to: { kind: 'int', value: FLOAT32 } } };
    });
  const outNames = new Set(g.outputs.map((v) => v.name));
  nodes = nodes.map((n) => ({
    ...n,
    inputs: n.inputs.map((i) => rename.get(i) ?? i),
    outputs: n.outputs.map((o) => (outNames.has(o) ? (rename.get(o) ?? o) : o)),
  }));
  return { ...model, graph: { ...g, nodes: [...inCasts, ...nodes, ...outCasts], initializers, valueInfo: g.valueInfo.map(halfInfo) } };
}
