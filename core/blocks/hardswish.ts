import { elementwise } from './activation';
import { HARDSIGMOID_ALPHA, HARDSIGMOID_BETA } from './hardsigmoid';

/** ONNX HardSwish exists from opset 14; before it, x * HardSigmoid(x) (opset 6) is the same function. */
const HARDSWISH_OPSET = 14;

/** x * min(max(x + 3, 0), 6) / 6 (nn.Hardswish, MobileNetV3's activation; ONNX HardSwish, opset 14). */
export const hardswish = elementwise({
  type: 'hardswish',
  label: 'Hardswish',
  description: 'x · ReLU6(x + 3) / 6: a cheap, piecewise version of Swish (MobileNetV3).',
  aliases: ['h-swish', 'hswish', 'mobilenetv3'],
  nameStem: 'hardswish',
  pytorch: () => ({ ctor: 'nn.Hardswish()' }),
  op: 'HardSwish',
  opsPerElement: 4,
  build: (g, x, _P, ctx) =>
    (ctx.opset ?? 17) >= HARDSWISH_OPSET
      ? g.op1('HardSwish', [x], {}, { name: 'HardSwish' })
      : g.op1('Mul', [x, g.op1('HardSigmoid', [x], { alpha: HARDSIGMOID_ALPHA, beta: HARDSIGMOID_BETA }, { name: 'HardSigmoid' })], {}, { name: 'Mul' }),
  importOp: { op: 'HardSwish', params: () => ({}) },
});
