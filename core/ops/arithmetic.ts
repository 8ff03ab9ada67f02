/**
 * Broadcasting arithmetic, comparisons and Where. Shapes broadcast as numpy's; small int64 Add,
 * Sub, Mul and Div of constants are folded (shape arithmetic before a Reshape). Gradients are
 * reduced back to each input's shape (sumTo: the sum over the broadcast axes).
 */
import { activationMappers } from '../onnx/import-activations';
import { importMappers } from '../onnx/import-ops';
import { inputsGrad } from './elementwise-grad';
import { noGradient, unary } from './define';
import { broadcastShapes, type ShapeContext } from './shape-context';
import type { OpRecord } from './types';

const FOLD: Readonly<Record<string, (p: number, q: number, int64: boolean) => number>> = {
  Add: (p, q) => p + q,
  Sub: (p, q) => p - q,
  Mul: (p, q) => p * q,
  Div: (p, q, int64) => (int64 ? Math.trunc(p / q) : p / q),
};

/** Output: the broadcast of all inputs; `bool` for comparisons. Folds two constants (same length or one scalar). */
function broadcastRule(bool: boolean) {
  return (c: ShapeContext): void => {
    const node = c.node;
    let shape = c.get(0).shape;
    for (let i = 1; i < node.inputs.length; i++) if (c.has(i)) shape = broadcastShapes(shape, c.get(i).shape);
    c.set(0, { dtype: bool ? 'bool' : c.get(0).dtype, shape });
    const [a, b] = [c.constIn(0), c.constIn(1)];
    const fn = FOLD[node.opType];
    if (!fn || !a || !b || node.inputs.length !== 2 || !(a.length === b.length || a.length === 1 || b.length === 1)) return;
    const int64 = c.get(0).dtype === 'int64';
    c.setConst(
      0,
      Array.from({ length: Math.max(a.length, b.length) }, (_, i) => fn(a[a.length === 1 ? 0 : i]!, b[b.length === 1 ? 0 : i]!, int64)),
    );
  };
}

/** A broadcasting op with its gradient thunks, per-sample (values of one sample only meet each other). */
function binary(type: string, grad: OpRecord['grad'], extra: Partial<OpRecord> = {}): OpRecord {
  return { type, shape: broadcastRule(false), perSample: true, ...(grad ? { grad } : {}), ...extra };
}

/** Add: y = a + b  =>  da = dy, db = dy (each summed to its input's shape). */
export const add = binary(
  'Add',
  inputsGrad({}, (v) => [() => v.dy.sumTo(v.input(0)!), () => v.dy.sumTo(v.input(1)!)]),
  { import: importMappers.add },
);
/** Sub: y = a - b  =>  da = dy, db = -dy. */
export const sub = binary(
  'Sub',
  inputsGrad({}, (v) => [() => v.dy.sumTo(v.input(0)!), () => v.dy.sumTo(v.input(1)!).neg()]),
);
/** Mul: y = a * b  =>  da = dy * b, db = dy * a. */
export const mul = binary(
  'Mul',
  inputsGrad({}, (v) => [() => v.dy.mul(v.input(1)!).sumTo(v.input(0)!), () => v.dy.mul(v.input(0)!).sumTo(v.input(1)!)]),
  {
    import: activationMappers.mul,
  },
);
/** Div: y = a / b  =>  da = dy / b, db = -(dy / b) * y. */
export const div = binary(
  'Div',
  inputsGrad({}, (v) => {
    const dyOverB = v.dy.div(v.input(1)!);
    return [() => dyOverB.sumTo(v.input(0)!), () => dyOverB.mul(v.y).sumTo(v.input(1)!).neg()];
  }),
);
/**
 * Pow: y = a^b.  da = dy * b * a^(b-1) (2a for the constant exponent 2);  db = dy * y * ln a (only
 * when the exponent itself is trained; a must then be positive).
 */
export const pow = binary(
  'Pow',
  inputsGrad({}, (v) => {
    const [a, b] = [v.input(0)!, v.input(1)!];
    const bc = v.ctx.constValue(b.name);
    const squared = bc !== undefined && bc.length === 1 && bc[0] === 2;
    return [() => v.dy.mul(squared ? a.mul(2) : b.mul(a.pow(b.sub(1)))).sumTo(a), () => v.dy.mul(v.y.mul(a.log())).sumTo(b)];
  }),
);
/** Sum (variadic): dx_i = dy. */
export const sum = binary(
  'Sum',
  inputsGrad({}, (v) => v.node.inputs.map((_, i) => () => v.dy.sumTo(v.input(i)!))),
  {
    import: importMappers.sum,
    gaps: { webgpu: ['Sum'] },
  },
);
export const max = binary('Max', undefined);
export const min = binary('Min', undefined);
export const mean: OpRecord = { type: 'Mean', shape: broadcastRule(false) };

/** Where(c, a, b): da = c ? dy : 0, db = c ? 0 : dy; the condition has no gradient. */
export const where: OpRecord = {
  type: 'Where',
  shape: (c) => c.set(0, { dtype: c.get(1).dtype, shape: broadcastShapes(broadcastShapes(c.get(0).shape, c.get(1).shape), c.get(2).shape) }),
  differentiable: [1, 2],
  grad: inputsGrad({}, (v) => {
    const cond = v.input(0)!;
    return [undefined, () => cond.where(v.dy, 0).sumTo(v.input(1)!), () => cond.where(0, v.dy).sumTo(v.input(2)!)];
  }),
};

// Comparisons and logic: boolean outputs, no gradient.
const compare = (type: string, extra: Partial<OpRecord> = {}) => noGradient(type, { shape: broadcastRule(true), ...extra });
export const equal = compare('Equal', { gaps: { webgpu: ['Equal.int64'] } });
export const less = compare('Less');
export const greater = compare('Greater');
export const lessOrEqual = compare('LessOrEqual');
export const greaterOrEqual = compare('GreaterOrEqual');
export const and = compare('And');
export const or = compare('Or');
export const xor = compare('Xor');

// Rounding and sign: piecewise constant, so no gradient.
const piecewiseConstant = (type: string) => ({ ...unary(type), differentiable: [] });
export const floor = piecewiseConstant('Floor');
export const ceil = piecewiseConstant('Ceil');
export const round = piecewiseConstant('Round');
export const sign = piecewiseConstant('Sign');
export const not = piecewiseConstant('Not');
