import { elementwise } from './activation';

/**
 * x * sigmoid(x) (nn.SiLU, Swish; EfficientNet's activation). Opset 17 has no SiLU op, so it is
 * emitted as Sigmoid then Mul, as torch.onnx exports it; import folds that pair back into this block.
 */
export const silu = elementwise({
  type: 'silu',
  label: 'SiLU (Swish)',
  description: 'x · sigmoid(x): smooth, self-gated activation (EfficientNet).',
  aliases: ['swish', 'sigmoid linear unit', 'efficientnet'],
  nameStem: 'silu',
  pytorch: () => ({ ctor: 'nn.SiLU()' }),
  op: 'Sigmoid',
  opsPerElement: 5,
  build: (g, x) => g.op1('Mul', [x, g.op1('Sigmoid', [x], {}, { name: 'Sigmoid' })], {}, { name: 'Mul' }),
});
