/**
 * What the importer knows about an ONNX graph before mapping ops to blocks: constants (with
 * Identity copies resolved), which values carry image data (as opposed to shape arithmetic),
 * every value's shape for a batch of one, and how many nodes read each value.
 */
import type { Params } from '../graph/types';
import type { Graph, Node, Tensor } from './ir';
import { OnnxFormatError } from './errors';
import { inferNode, type ValueShape } from '../train/shape-infer';
import { modulePrefixCounts } from './import-names';

/** One block to be: the importer's intermediate form before ids, names and layout. */
export interface Plan {
  type: string;
  nameBase: string;
  params: Params;
  /** Value names feeding the block's input ports, in port order. */
  inputs: string[];
  /** Value names the block's output ports produce. */
  outputs: string[];
  /** suffix -> float32 data, shaped as the block declares. */
  weights: Map<string, Float32Array>;
  source: Node | null;
  /** Spatial zero padding [top, left, bottom, right] a following Conv may absorb (Pad nodes). */
  padInfo?: [number, number, number, number];
  /** Set when a later pattern absorbed this plan (Pad into Conv, MatMul + Add). */
  dropped?: boolean;
}

export interface ImportWarning {
  node: string;
  message: string;
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Float data of a tensor as float32 (the studio keeps weights in float32). */
export function toFloat32(t: Tensor): Float32Array | null {
  switch (t.dtype) {
    case 'float32':
      return t.data as Float32Array;
    case 'float64':
      return Float32Array.from(t.data as Float64Array);
    case 'float16':
      return Float32Array.from(t.data as Uint16Array, halfToFloat);
    default:
      return null;
  }
}

function tensorNumbers(t: Tensor): number[] | undefined {
  if (t.data.length > 64) return undefined;
  return Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v));
}

function constantNodeTensor(n: Node): Tensor | null {
  const out = n.outputs[0] ?? '';
  const a = n.attributes;
  if (a.value?.kind === 'tensor') return { ...a.value.value, name: out };
  if (a.value_float?.kind === 'float') return { name: out, dtype: 'float32', dims: [], data: Float32Array.of(a.value_float.value) };
  if (a.value_floats?.kind === 'floats')
    return { name: out, dtype: 'float32', dims: [a.value_floats.value.length], data: Float32Array.from(a.value_floats.value) };
  if (a.value_int?.kind === 'int') return { name: out, dtype: 'int64', dims: [], data: BigInt64Array.of(BigInt(a.value_int.value)) };
  if (a.value_ints?.kind === 'ints')
    return { name: out, dtype: 'int64', dims: [a.value_ints.value.length], data: BigInt64Array.from(a.value_ints.value, (v) => BigInt(v)) };
  return null;
}

export class ImportContext {
  readonly consts = new Map<string, Tensor>();
  readonly folded = new Map<string, number[]>();
  readonly shapes = new Map<string, ValueShape>();
  readonly alias = new Map<string, string>();
  readonly data = new Set<string>();
  readonly consumers = new Map<string, number>();
  readonly producer = new Map<string, Plan>();
  readonly plans: Plan[] = [];
  readonly warnings: ImportWarning[] = [];
  /** Whether a PyTorch module path emitted more than one node (for block names). */
  readonly moduleIsShared: (prefix: string) => boolean;

  constructor(
    readonly graph: Graph,
    readonly imageInput: string,
    inputShape: number[],
    /** The file's ai.onnx opset: generic ops keep attributes in that version's form. */
    readonly opset = 17,
  ) {
    this.moduleIsShared = modulePrefixCounts(graph.nodes.filter((n) => n.opType !== 'Constant' && n.opType !== 'Identity').map((n) => n.name));
    for (const t of graph.initializers) this.consts.set(t.name, t);
    for (const n of graph.nodes) {
      if (n.opType === 'Constant' && !n.domain) {
        const t = constantNodeTensor(n);
        if (t) this.consts.set(t.name, t);
      } else if (n.opType === 'Identity' && !n.domain && n.inputs[0] && n.outputs[0]) {
        this.alias.set(n.outputs[0], n.inputs[0]);
      }
    }
    this.inferShapes(inputShape);
    this.markData();
    for (const n of graph.nodes) for (const i of n.inputs) if (i) this.consumers.set(this.canon(i), (this.consumers.get(this.canon(i)) ?? 0) + 1);
    for (const o of graph.outputs) this.consumers.set(this.canon(o.name), (this.consumers.get(this.canon(o.name)) ?? 0) + 1);
  }

  /** Shapes for a batch of one; an op the shape rules do not know falls back to the file's value_info. */
  private inferShapes(inputShape: number[]): void {
    const declared = new Map(this.graph.valueInfo.concat(this.graph.outputs).map((v) => [v.name, v]));
    for (const t of this.consts.values()) {
      this.shapes.set(t.name, { dtype: t.dtype, shape: [...t.dims] });
      const v = tensorNumbers(t);
      if (v) this.folded.set(t.name, v);
    }
    this.shapes.set(this.imageInput, { dtype: 'float32', shape: [1, ...inputShape] });
    for (const n of this.graph.nodes) {
      if (n.opType === 'Constant') continue;
      try {
        inferNode(n, this.shapes, this.folded);
      } catch {
        for (const o of n.outputs) {
          const v = declared.get(o);
          if (v && v.shapeKnown !== false) this.shapes.set(o, { dtype: v.dtype, shape: v.shape.map((d) => (typeof d === 'number' ? d : 1)) });
        }
      }
    }
  }

  /** Image data flows from the input through every op but Shape/Size, whose outputs are metadata. */
  private markData(): void {
    this.data.add(this.imageInput);
    for (const n of this.graph.nodes) {
      if (n.opType === 'Shape' || n.opType === 'Size') continue;
      if (n.inputs.some((i) => i && this.data.has(i))) for (const o of n.outputs) if (o) this.data.add(o);
    }
  }

  canon(v: string): string {
    let cur = v;
    for (let guard = 0; this.alias.has(cur) && guard < 10_000; guard++) cur = this.alias.get(cur)!;
    return cur;
  }

  isData(v: string): boolean {
    return v !== '' && this.data.has(this.canon(v));
  }

  constTensor(v: string): Tensor | undefined {
    return v ? this.consts.get(this.canon(v)) : undefined;
  }

  constFloat(v: string): { data: Float32Array; dims: number[]; name: string } | null {
    const t = this.constTensor(v);
    if (!t) return null;
    const data = toFloat32(t);
    return data ? { data, dims: [...t.dims], name: t.name } : null;
  }

  /** Small integer constants, initializers or folded from shape arithmetic. */
  constNumbers(v: string): number[] | undefined {
    return v ? (this.folded.get(this.canon(v)) ?? this.folded.get(v)) : undefined;
  }

  /** Per-sample shape (batch dimension dropped) of a data value. */
  perSample(v: string): number[] | undefined {
    const s = this.shapes.get(v) ?? this.shapes.get(this.canon(v));
    return s && s.shape.length >= 1 ? s.shape.slice(1) : undefined;
  }

  consumerCount(v: string): number {
    return this.consumers.get(this.canon(v)) ?? 0;
  }

  add(plan: Plan): Plan {
    this.plans.push(plan);
    for (const o of plan.outputs) if (o) this.producer.set(this.canon(o), plan);
    return plan;
  }

  producerOf(v: string): Plan | undefined {
    return this.producer.get(this.canon(v));
  }

  /**
   * Makes `from` (the output of an op folded into the plan producing `to`) an alias of `to`.
   * The folded op was one reader of `to`; the readers of `from` now read `to` instead.
   */
  redirect(from: string, to: string): void {
    if (from === to) return;
    const target = this.canon(to);
    const moved = this.consumers.get(from) ?? 0;
    this.alias.set(from, target);
    this.consumers.set(target, (this.consumers.get(target) ?? 1) - 1 + moved);
  }

  warn(node: string, message: string): void {
    this.warnings.push({ node, message });
  }

  fail(message: string): never {
    throw new OnnxFormatError('unsupported', message);
  }
}
