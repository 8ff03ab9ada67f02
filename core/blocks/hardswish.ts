import { elementwise } from './activation';

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
  importOp: { op: 'HardSwish', params: () => ({}) },
});
