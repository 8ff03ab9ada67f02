/**
 * A value of the backward graph together with its static shape, so that element-wise gradient
 * rules read as math: `dy.mul(y).mul(one.sub(y))`. Each method emits one ONNX node (in call order,
 * so the graph is exactly what the written expression says) and records the result's shape.
 * Numbers are float32 scalar constants; shapes broadcast as numpy does.
 */
import type { AttrInput } from '../onnx/builder';
import type { DType } from '../onnx/ir';
import type { GradContext } from '../train/grad/types';
import { broadcastShapes } from './shape-context';

export type Operand = GradValue | number;

export class GradValue {
  constructor(
    readonly ctx: GradContext,
    readonly name: string,
    readonly shape: readonly number[],
    readonly dtype: DType = 'float32',
  ) {}

  /** A float32 scalar constant (deduplicated by the engine). */
  static scalar(ctx: GradContext, v: number): GradValue {
    return new GradValue(ctx, ctx.f32([v]), []);
  }

  private emit(type: string, operands: readonly Operand[], attrs: Record<string, AttrInput | undefined> = {}, dtype: DType = 'float32'): GradValue {
    const vals = operands.map((o) => (typeof o === 'number' ? GradValue.scalar(this.ctx, o) : o));
    const shape = vals.reduce<number[]>((s, v) => broadcastShapes(s, v.shape), [...this.shape]);
    const out = this.ctx.g.op1(type, [this.name, ...vals.map((v) => v.name)], attrs);
    this.ctx.setShape(out, shape, dtype);
    return new GradValue(this.ctx, out, shape, dtype);
  }

  add(o: Operand): GradValue {
    return this.emit('Add', [o]);
  }
  sub(o: Operand): GradValue {
    return this.emit('Sub', [o]);
  }
  mul(o: Operand): GradValue {
    return this.emit('Mul', [o]);
  }
  div(o: Operand): GradValue {
    return this.emit('Div', [o]);
  }
  pow(o: Operand): GradValue {
    return this.emit('Pow', [o]);
  }
  neg(): GradValue {
    return this.emit('Neg', []);
  }
  exp(): GradValue {
    return this.emit('Exp', []);
  }
  log(): GradValue {
    return this.emit('Log', []);
  }
  sign(): GradValue {
    return this.emit('Sign', []);
  }
  sigmoid(): GradValue {
    return this.emit('Sigmoid', []);
  }
  cast(to: number): GradValue {
    return this.emit('Cast', [], { to });
  }

  /** Boolean masks: this == o, this > o, this >= o, this <= o, this && o. */
  eq(o: Operand): GradValue {
    return this.emit('Equal', [o], {}, 'bool');
  }
  gt(o: Operand): GradValue {
    return this.emit('Greater', [o], {}, 'bool');
  }
  ge(o: Operand): GradValue {
    return this.emit('GreaterOrEqual', [o], {}, 'bool');
  }
  le(o: Operand): GradValue {
    return this.emit('LessOrEqual', [o], {}, 'bool');
  }
  and(o: GradValue): GradValue {
    return this.emit('And', [o], {}, 'bool');
  }

  /** Where(this, a, b): a where this mask holds, else b. */
  where(a: Operand, b: Operand): GradValue {
    return this.emit('Where', [a, b]);
  }

  /** Sum over `axes`, kept as size-1 dims (keepdims 1). */
  sumAxes(axes: readonly number[]): GradValue {
    const out = this.ctx.g.op1('ReduceSum', [this.name, this.ctx.i64([...axes])], { keepdims: 1 });
    const shape = this.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    this.ctx.setShape(out, shape);
    return new GradValue(this.ctx, out, shape);
  }

  /** The same data viewed with `shape` (Reshape). */
  reshape(shape: readonly number[]): GradValue {
    const out = this.ctx.g.op1('Reshape', [this.name, this.ctx.i64([...shape])]);
    this.ctx.setShape(out, [...shape]);
    return new GradValue(this.ctx, out, shape);
  }

  /** Axes permuted: result axis i is this value's axis perm[i]. */
  transpose(perm: readonly number[]): GradValue {
    const out = this.ctx.g.op1('Transpose', [this.name], { perm: [...perm] });
    const shape = perm.map((p) => this.shape[p]!);
    this.ctx.setShape(out, shape);
    return new GradValue(this.ctx, out, shape);
  }

  /** Broadcasts to `shape` (Expand). */
  expandTo(shape: readonly number[]): GradValue {
    const out = this.ctx.g.op1('Expand', [this.name, this.ctx.i64([...shape])]);
    this.ctx.setShape(out, [...shape]);
    return new GradValue(this.ctx, out, shape);
  }

  /** Sums a broadcast gradient back down to `like`'s shape (ReduceSum + Reshape where needed). */
  sumTo(like: GradValue): GradValue {
    return new GradValue(this.ctx, this.ctx.unbroadcast(this.name, [...this.shape], [...like.shape]), like.shape);
  }
}
