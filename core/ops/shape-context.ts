/**
 * What a shape rule sees of one node: its inputs' static shapes and folded constants, and where
 * to put its outputs'. Every dim is a number (a training graph is built for one batch size).
 */
import type { DType, Node, Tensor } from '../onnx/ir';

export interface ValueShape {
  dtype: DType;
  shape: number[];
}

/** Shape of the numpy-broadcast of `a` and `b`; throws when they do not broadcast. */
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

/** The values of a small tensor (at most 64 elements) as numbers, for constant folding. */
export function tensorNumbers(t: Tensor): number[] | undefined {
  if (t.data.length > 64) return undefined;
  return Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v));
}

export class ShapeContext {
  constructor(
    readonly node: Node,
    private readonly shapes: Map<string, ValueShape>,
    private readonly consts: Map<string, number[]>,
  ) {}

  /** `<op> node "<name>"`, the prefix of every error about this node. */
  where(): string {
    return `${this.node.opType} node "${this.node.name}"`;
  }

  /** Shape of input i; throws naming the node when it is unknown. */
  get(i: number): ValueShape {
    const n = this.node.inputs[i];
    const s = n ? this.shapes.get(n) : undefined;
    if (!s) throw new Error(`${this.where()}: shape of input ${i} ("${n ?? ''}") is unknown`);
    return s;
  }

  /** Whether optional input i is given (ONNX marks an omitted input by an empty name). */
  has(i: number): boolean {
    return (this.node.inputs[i] ?? '') !== '';
  }

  /** Folded value of input i, which must be a constant (Reshape targets, Slice starts, ...). */
  constOf(i: number): number[] {
    const v = this.consts.get(this.node.inputs[i] ?? '');
    if (!v) throw new Error(`${this.where()}: input ${i} must be a constant for static shapes`);
    return v;
  }

  /** Folded value of input i, if it is a known constant. */
  constIn(i: number): number[] | undefined {
    return this.consts.get(this.node.inputs[i] ?? '');
  }

  set(i: number, v: ValueShape): void {
    const n = this.node.outputs[i];
    if (n) this.shapes.set(n, v);
  }

  /** Records the folded value of output i (small int64 arithmetic on shapes). */
  setConst(i: number, values: number[]): void {
    this.consts.set(this.node.outputs[i]!, values);
  }

  /** Output 0 has input 0's shape and dtype (element-wise ops). */
  sameAsInput(): void {
    const s = this.get(0);
    this.set(0, { dtype: s.dtype, shape: [...s.shape] });
  }

  /** Output 0 carries input 0's folded value unchanged (Cast, Reshape, Squeeze, Unsqueeze). */
  forwardConst(): void {
    const v = this.consts.get(this.node.inputs[0]!);
    if (v) this.consts.set(this.node.outputs[0]!, v);
  }
}

export type ShapeRule = (c: ShapeContext) => void;
