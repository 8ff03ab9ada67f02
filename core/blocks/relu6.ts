import { elementwise } from './activation';

/**
 * min(max(0, x), 6) (nn.ReLU6, MobileNetV2's activation). ONNX has no ReLU6 op: it is Clip with
 * constant bounds 0 and 6, which is also how torch.onnx exports nn.ReLU6 and what import maps back.
 */
export const relu6 = elementwise({
  type: 'relu6',
  label: 'ReLU6',
  description: "ReLU capped at 6: min(max(0, x), 6). MobileNetV2's activation.",
  aliases: ['clip', 'clamp', 'hardtanh', 'mobilenet'],
  nameStem: 'relu6',
  pytorch: () => ({ ctor: 'nn.ReLU6()' }),
  op: 'Clip',
  opsPerElement: 2,
  build: (g, x) => g.op1('Clip', [x, g.constFloat('min', [0], []), g.constFloat('max', [6], [])], {}, { name: 'Clip' }),
});
