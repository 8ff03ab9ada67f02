import { elementwise } from './activation';

/** PyTorch's Hardsigmoid slope: y = clamp(x / 6 + 1/2, 0, 1). */
export const HARDSIGMOID_ALPHA = 1 / 6;
export const HARDSIGMOID_BETA = 0.5;

/** Float32 rounding of 1/6 in an ONNX file (0.16666667) still means PyTorch's Hardsigmoid. */
const isPytorchSlope = (alpha: number, beta: number): boolean => Math.abs(alpha - HARDSIGMOID_ALPHA) < 1e-6 && beta === HARDSIGMOID_BETA;

/**
 * clamp(x / 6 + 1/2, 0, 1) (nn.Hardsigmoid, MobileNetV3's squeeze-excite gate; ONNX HardSigmoid
 * with alpha 1/6, beta 1/2). HardSigmoid nodes with other slopes (Keras' 0.2) import as ONNX ops.
 */
export const hardsigmoid = elementwise({
  type: 'hardsigmoid',
  label: 'Hardsigmoid',
  description: "clamp(x/6 + 1/2, 0, 1): a piecewise-linear sigmoid, the gate of MobileNetV3's squeeze-excite.",
  aliases: ['h-sigmoid', 'hsigmoid', 'gate'],
  nameStem: 'hardsigmoid',
  pytorch: () => ({ ctor: 'nn.Hardsigmoid()' }),
  op: 'HardSigmoid',
  attrs: () => ({ alpha: HARDSIGMOID_ALPHA, beta: HARDSIGMOID_BETA }),
  opsPerElement: 3,
  importOp: {
    op: 'HardSigmoid',
    params: (n) => {
      const [a, b] = [n.attributes.alpha, n.attributes.beta];
      const alpha = a?.kind === 'float' ? a.value : 0.2;
      const beta = b?.kind === 'float' ? b.value : 0.5;
      return isPytorchSlope(alpha, beta) ? {} : null;
    },
  },
});
