/**
 * Element-wise activations and math on one tensor: output shape = input shape. Gradients are the
 * textbook derivatives written over GradValues (x input, y output, dy incoming gradient).
 */
import { activationMappers } from '../onnx/import-activations';
import { importMappers } from '../onnx/import-ops';
import type { DType } from '../onnx/ir';
import { attrInt, normAxis } from '../train/attrs';
import { float, int } from './attributes';
import { alongAxis, sameShape, unary } from './define';
import type { OpRecord } from './types';

/** Relu: dx = dy where x > 0 else 0 (PyTorch's threshold_backward: 0 at x == 0); y > 0 iff x > 0. */
export const relu = unary('Relu', { grad: (v) => v.y.gt(0).where(v.dy, 0), perSample: true, import: importMappers.relu });
/** LeakyRelu: y = x (x > 0) else alpha x  =>  dx = dy * (x > 0 ? 1 : alpha). */
export const leakyRelu = unary('LeakyRelu', {
  attrs: { alpha: float(0.01) },
  grad: (v) => v.dy.mul(v.x.gt(0).where(1, v.a.alpha)),
  perSample: true,
  import: importMappers.leakyRelu,
});
/** Elu: y = x (x > 0) else alpha (exp(x) - 1)  =>  dx = dy * (x > 0 ? 1 : y + alpha). */
export const elu = unary('Elu', { attrs: { alpha: float(1) }, grad: (v) => v.dy.mul(v.x.gt(0).where(v.k(1), v.y.add(v.a.alpha))), perSample: true });
/** Sigmoid: dx = dy * y * (1 - y). */
export const sigmoid = unary('Sigmoid', {
  grad: (v) => {
    const oneMinusY = v.k(1).sub(v.y); // emitted first, as the graphs always had it
    return v.dy.mul(v.y).mul(oneMinusY);
  },
  perSample: true,
  import: importMappers.sigmoid,
});
/** Tanh: dx = dy * (1 - y^2). */
export const tanh = unary('Tanh', { grad: (v) => v.dy.mul(v.k(1).sub(v.y.mul(v.y))), perSample: true, import: importMappers.tanh });
/** Softplus: y = log(1 + exp(x))  =>  dx = dy * sigmoid(x). */
export const softplus = unary('Softplus', { grad: (v) => v.dy.mul(v.x.sigmoid()), perSample: true });
/** Abs: dx = dy * sign(x) (0 at x == 0, as PyTorch). */
export const abs = unary('Abs', { grad: (v) => v.dy.mul(v.x.sign()), perSample: true });
/** Neg: dx = -dy. */
export const neg = unary('Neg', { grad: (v) => v.dy.neg(), perSample: true });
/** Exp: dx = dy * y. */
export const exp = unary('Exp', { grad: (v) => v.dy.mul(v.y), perSample: true });
/** Log: dx = dy / x. */
export const log = unary('Log', { grad: (v) => v.dy.div(v.x), perSample: true });
/** Sqrt: dx = dy * 0.5 / y. */
export const sqrt = unary('Sqrt', { grad: (v) => v.dy.div(v.y).mul(0.5), perSample: true });
/** Reciprocal: y = 1/x  =>  dx = -dy * y^2. */
export const reciprocal = unary('Reciprocal', { grad: (v) => v.dy.mul(v.y.mul(v.y)).neg() });
/** Identity: dx = dy. */
export const identity = unary('Identity', { grad: (v) => v.dy, perSample: true });

/**
 * Clip(x, min, max) = torch.clamp: dx = dy where min <= x <= max, else 0 (clamp_backward's mask;
 * an absent bound is no bound). Bounds are not differentiated. The mask is y == x: Clip leaves x
 * unchanged exactly when it lies within the bounds (a NaN x gives NaN == NaN, false, as x >= min
 * is), so one Equal on the forward output replaces two comparisons and an And (MobileNetV2's
 * ReLU6 backward at 1 thread: 10 -> 3 ms per step).
 */
export const clip = unary('Clip', {
  grad: (v) => (v.input(1) || v.input(2) ? v.y.eq(v.x).where(v.dy, 0) : v.dy),
  perSample: true,
  import: activationMappers.clip,
});

/** ONNX TensorProto type codes of the float types. */
const FLOAT_CODE: Readonly<Record<string, number>> = { float32: 1, float16: 10, float64: 11 };

/** Cast float -> float: dx = Cast(dy, x's type). Casts to or from integer types carry no gradient. */
export const cast = unary('Cast', {
  attrs: { to: int(1) },
  shape: (c) => {
    c.set(0, { dtype: castType(attrInt(c.node, 'to', 1)), shape: [...c.get(0).shape] });
    c.forwardConst();
  },
  grad: (v) => {
    const code = FLOAT_CODE[v.x.dtype];
    if (![1, 10, 11].includes(v.a.to) || code === undefined) return undefined;
    return code === v.a.to ? v.dy : v.dy.cast(code);
  },
  perSample: true,
});

/**
 * Dropout: in training mode y = x * mask / (1 - ratio)  =>  dx = dy * mask / (1 - ratio), with the
 * mask taken from the node's second output. In inference mode (no mask output, or training_mode
 * absent) it is the identity: dx = dy. ratio must be a constant input (default 0.5).
 */
export const dropout = unary('Dropout', {
  attrs: { ratio: float(0.5) },
  shape: (c) => {
    c.sameAsInput();
    c.set(1, { dtype: 'bool', shape: [...c.get(0).shape] });
  },
  grad: (v) => {
    const [mask, trainingMode, ratioIn] = [v.output(1), v.node.inputs[2], v.node.inputs[1]];
    const training = trainingMode ? (v.ctx.constValue(trainingMode) ?? [1])[0] !== 0 : false;
    if (!mask || !training) return v.dy;
    const ratio = ratioIn ? (v.ctx.constValue(ratioIn) ?? [NaN])[0]! : v.a.ratio;
    if (!Number.isFinite(ratio)) throw new Error(`Dropout "${v.node.name}": ratio must be a constant for training`);
    return v.dy.mul(mask.cast(1)).mul(1 / (1 - ratio));
  },
  perSample: true,
  import: importMappers.dropout,
});

/** Softmax (opset 13, one axis): dx = y * (dy - sum_axis(dy * y)). */
export const softmax = unary('Softmax', {
  attrs: { axis: int(-1) },
  grad: (v) => v.y.mul(v.dy.sub(v.dy.mul(v.y).sumAxes([normAxis(v.a.axis, v.x.shape.length)]))),
  perSample: alongAxis(-1),
});
/** LogSoftmax (opset 13, one axis): dx = dy - exp(y) * sum_axis(dy). */
export const logSoftmax = unary('LogSoftmax', {
  attrs: { axis: int(-1) },
  grad: (v) => {
    const s = v.dy.sumAxes([normAxis(v.a.axis, v.x.shape.length)]);
    return v.dy.sub(v.y.exp().mul(s));
  },
  perSample: alongAxis(-1),
  gaps: { webgpu: ['LogSoftmax'] },
});

/**
 * HardSigmoid: y = clamp(alpha x + beta, 0, 1)  =>  dx = alpha dy where 0 < y < 1, else 0
 * (PyTorch's hardsigmoid_backward: 1/6 on the open interval -3 < x < 3, alpha 1/6, beta 1/2).
 */
export const hardSigmoid = unary('HardSigmoid', {
  attrs: { alpha: float(0.2), beta: float(0.5) },
  grad: (v) => v.y.gt(0).and(v.k(1).gt(v.y)).where(v.dy.mul(v.a.alpha), 0),
  perSample: true,
});
/**
 * HardSwish: y = x * clamp(x / 6 + 1/2, 0, 1)  =>  dx = dy * (x / 3 + 1/2) for -3 <= x <= 3,
 * dy above 3 and 0 below -3 (PyTorch's hardswish_backward, the same closed interval).
 */
export const hardSwish = unary('HardSwish', {
  grad: (v) => {
    const slope = v.x.le(3).where(v.x.mul(1 / 3).add(0.5), 1);
    return v.x.ge(-3).where(v.dy.mul(slope), 0);
  },
  perSample: true,
});

// Shape-preserving ops the studio infers shapes for but does not differentiate.
export const selu = unary('Selu', { perSample: true });
export const softsign = unary('Softsign');
export const erf = unary('Erf', { perSample: true });
export const gelu = unary('Gelu');
export const prelu: OpRecord = { type: 'PRelu', shape: sameShape, perSample: true };

/** The dtype of an ONNX TensorProto type code. */
function castType(to: number): DType {
  const map: Record<number, DType> = { 1: 'float32', 2: 'uint8', 3: 'int8', 6: 'int32', 7: 'int64', 9: 'bool', 10: 'float16', 11: 'float64' };
  const t = map[to];
  if (!t) throw new Error(`Cast to ONNX type ${to} is not supported`);
  return t;
}
