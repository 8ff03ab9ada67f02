import type { Attribute, DType, Graph, Node, Tensor, TensorArray, ValueInfo } from './ir';

/** Attribute values as callers like to write them; `attr()` turns them into tagged Attributes. */
export type AttrInput = number | string | number[] | string[] | Tensor | Attribute;

export function attr(value: AttrInput, floatHint = false): Attribute {
  if (typeof value === 'number') {
    return Number.isInteger(value) && !floatHint ? { kind: 'int', value } : { kind: 'float', value };
  }
  if (typeof value === 'string') return { kind: 'string', value };
  if (Array.isArray(value)) {
    if (value.length > 0 && typeof value[0] === 'string') return { kind: 'strings', value: value as string[] };
    const nums = value as number[];
    return floatHint || nums.some((v) => !Number.isInteger(v)) ? { kind: 'floats', value: nums } : { kind: 'ints', value: nums };
  }
  if ('kind' in value) return value;
  return { kind: 'tensor', value };
}

/** Attributes that ONNX types as float even when the value happens to be whole (e.g. alpha = 1). */
const FLOAT_ATTRS = new Set(['alpha', 'beta', 'bias', 'epsilon', 'momentum', 'ratio', 'gamma', 'value_float', 'value_floats', 'scales']);

export interface OpOptions {
  /** Number of outputs (default 1). */
  outputs?: number;
  /** Explicit output names; otherwise fresh names are derived from `name`. */
  outputNames?: string[];
  /** Node name; made unique. Defaults to the op type. */
  name?: string;
  domain?: string;
}

/**
 * Appends nodes to a graph under construction and hands out fresh, unique value names.
 * Blocks emit through it; the training-graph builder and exporter reuse it.
 */
export class GraphBuilder {
  readonly nodes: Node[] = [];
  readonly initializers: Tensor[] = [];
  readonly inputs: ValueInfo[] = [];
  readonly outputs: ValueInfo[] = [];
  readonly valueInfo: ValueInfo[] = [];
  private readonly used = new Set<string>();
  private readonly nextSuffix = new Map<string, number>();
  private scope: string[] = [];

  constructor(readonly name = 'graph') {}

  /** Prefix for node and value names emitted inside `fn` (e.g. a block's name). */
  withScope<T>(prefix: string, fn: () => T): T {
    this.scope.push(prefix);
    try {
      return fn();
    } finally {
      this.scope.pop();
    }
  }

  /** A name not used yet in this graph, prefixed by the current scope. */
  fresh(base: string): string {
    const full = this.scope.length === 0 ? base : [...this.scope, base].filter((s) => s.length > 0).join('/');
    let name = full;
    // Suffix probing resumes where it stopped for this base (names are never released, so this
    // yields the same names as probing from 1, in linear instead of quadratic time).
    let i = this.nextSuffix.get(full) ?? 1;
    if (this.used.has(name)) {
      for (; this.used.has(`${full}_${i}`); i++);
      name = `${full}_${i}`;
      this.nextSuffix.set(full, i + 1);
    }
    this.used.add(name);
    return name;
  }

  /** Reserve an exact name (graph inputs, initializers named after PyTorch parameters). */
  reserve(name: string): string {
    if (this.used.has(name)) throw new Error(`ONNX value name "${name}" is used twice`);
    this.used.add(name);
    return name;
  }

  has(name: string): boolean {
    return this.used.has(name);
  }

  op(opType: string, inputs: string[], attrs: Record<string, AttrInput | undefined> = {}, opts: OpOptions = {}): string[] {
    const nodeName = this.fresh(opts.name ?? opType);
    const count = opts.outputNames?.length ?? opts.outputs ?? 1;
    const outputs = opts.outputNames
      ? opts.outputNames.map((n) => this.reserve(n))
      : Array.from({ length: count }, (_, i) => this.fresh(`${opts.name ?? opType}_out${count > 1 ? i : ''}`));
    const attributes: Record<string, Attribute> = {};
    for (const [k, v] of Object.entries(attrs)) if (v !== undefined) attributes[k] = attr(v, FLOAT_ATTRS.has(k));
    const node: Node = { name: nodeName, opType, inputs, outputs, attributes };
    if (opts.domain) node.domain = opts.domain;
    this.nodes.push(node);
    return outputs;
  }

  /** Single-output convenience. */
  op1(opType: string, inputs: string[], attrs: Record<string, AttrInput | undefined> = {}, opts: OpOptions = {}): string {
    return this.op(opType, inputs, attrs, { ...opts, outputs: 1 })[0]!;
  }

  initializer(name: string, dtype: DType, dims: number[], data: TensorArray, exact = false): string {
    const n = exact ? this.reserve(name) : this.fresh(name);
    this.initializers.push({ name: n, dtype, dims, data });
    return n;
  }

  /** A float32 constant stored as an initializer (ORT folds these). */
  constFloat(name: string, values: number[] | Float32Array, dims: number[] = [values.length]): string {
    return this.initializer(name, 'float32', dims, Float32Array.from(values));
  }

  constInt64(name: string, values: number[], dims: number[] = [values.length]): string {
    return this.initializer(name, 'int64', dims, BigInt64Array.from(values.map((v) => BigInt(v))));
  }

  input(name: string, dtype: DType, shape: ValueInfo['shape']): string {
    this.inputs.push({ name: this.reserve(name), dtype, shape });
    return name;
  }

  output(name: string, dtype: DType, shape: ValueInfo['shape']): void {
    this.outputs.push({ name, dtype, shape });
  }

  build(): Graph {
    return {
      name: this.name,
      nodes: this.nodes,
      inputs: this.inputs,
      outputs: this.outputs,
      initializers: this.initializers,
      valueInfo: this.valueInfo,
    };
  }
}
