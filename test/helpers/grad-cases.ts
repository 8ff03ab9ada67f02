/** The gradient-rule cases: each a small graph y = f(inputs), differentiated by the engine. */
import type { GraphBuilder } from '../../core/onnx/builder';
import type { FdCase } from './finite-differences';

const i64 = (g: GraphBuilder, v: number[]) => g.constInt64('c', v);

/** MaxPool with its Indices output, as the train-step builder emits it. */
const mp = (g: GraphBuilder, x: string, attrs: Record<string, number | number[]>) => g.op('MaxPool', [x], attrs, { outputs: 2 })[0]!;

const conv =
  (attrs: Record<string, number | number[]>, bias = true) =>
  (g: GraphBuilder, [x, w, b]: string[]) =>
    g.op1('Conv', bias ? [x!, w!, b!] : [x!, w!], attrs);

export const CASES: FdCase[] = [
  // Conv: odd sizes, stride 3, dilation, groups, asymmetric pads, output_padding != 0.
  {
    name: 'Conv 3x3 odd 7x9',
    inputs: [{ shape: [2, 3, 7, 9] }, { shape: [4, 3, 3, 3] }, { shape: [4] }],
    build: conv({ kernel_shape: [3, 3], pads: [1, 1, 1, 1] }),
  },
  {
    name: 'Conv stride 3',
    inputs: [{ shape: [2, 2, 11, 10] }, { shape: [3, 2, 3, 2] }, { shape: [3] }],
    build: conv({ kernel_shape: [3, 2], strides: [3, 3] }),
  },
  {
    name: 'Conv stride 2 even input (output_padding 1)',
    inputs: [{ shape: [1, 2, 8, 8] }, { shape: [3, 2, 3, 3] }, { shape: [3] }],
    build: conv({ kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }),
  },
  {
    name: 'Conv dilation 2',
    inputs: [{ shape: [2, 2, 9, 8] }, { shape: [3, 2, 3, 3] }, { shape: [3] }],
    build: conv({ kernel_shape: [3, 3], dilations: [2, 2], pads: [2, 1, 2, 1] }),
  },
  {
    name: 'Conv dilation + stride',
    inputs: [{ shape: [1, 2, 13, 12] }, { shape: [2, 2, 3, 3] }, { shape: [2] }],
    build: conv({ kernel_shape: [3, 3], dilations: [2, 3], strides: [2, 3], pads: [1, 0, 0, 2] }),
  },
  {
    name: 'Conv groups 2',
    inputs: [{ shape: [2, 4, 6, 7] }, { shape: [6, 2, 3, 3] }, { shape: [6] }],
    build: conv({ kernel_shape: [3, 3], group: 2, pads: [1, 1, 1, 1] }),
  },
  {
    name: 'Conv depthwise stride 2',
    inputs: [{ shape: [2, 3, 7, 7] }, { shape: [3, 1, 3, 3] }, { shape: [3] }],
    build: conv({ kernel_shape: [3, 3], group: 3, strides: [2, 2], pads: [1, 1, 1, 1] }),
  },
  {
    name: 'Conv depthwise stride 1 (flipped depthwise input grad)',
    inputs: [{ shape: [2, 3, 6, 5] }, { shape: [3, 1, 3, 3] }, { shape: [3] }],
    build: conv({ kernel_shape: [3, 3], group: 3, pads: [1, 1, 1, 1] }),
  },
  {
    name: 'Conv depthwise dilation 2, asymmetric pads',
    inputs: [{ shape: [2, 4, 9, 8] }, { shape: [4, 1, 3, 3] }],
    build: conv({ kernel_shape: [3, 3], group: 4, dilations: [2, 2], pads: [2, 1, 1, 2] }, false),
  },
  {
    name: 'Conv asymmetric pads',
    inputs: [{ shape: [2, 2, 6, 5] }, { shape: [3, 2, 4, 3] }, { shape: [3] }],
    build: conv({ kernel_shape: [4, 3], pads: [2, 0, 1, 1] }),
  },
  {
    name: 'Conv 16ch stride 1 (flipped-conv input grad)',
    inputs: [{ shape: [1, 16, 5, 5] }, { shape: [16, 16, 3, 3] }],
    build: conv({ kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, false),
  },
  {
    name: 'Conv auto_pad SAME_UPPER stride 2',
    inputs: [{ shape: [1, 2, 7, 6] }, { shape: [2, 2, 3, 3] }],
    build: conv({ kernel_shape: [3, 3], strides: [2, 2] }, false),
  },
  // The same conv edge cases through the conv-trick weight gradient and ConvTranspose input gradient.
  {
    name: 'Conv trick: stride 3',
    inputs: [{ shape: [2, 2, 11, 10] }, { shape: [3, 2, 3, 2] }, { shape: [3] }],
    build: conv({ kernel_shape: [3, 2], strides: [3, 3] }),
    grad: { convWeightGrad: 'conv', convHeuristics: false },
  },
  {
    name: 'Conv trick: dilation + stride + asym pads',
    inputs: [{ shape: [1, 2, 13, 12] }, { shape: [2, 2, 3, 3] }, { shape: [2] }],
    build: conv({ kernel_shape: [3, 3], dilations: [2, 3], strides: [2, 3], pads: [1, 0, 0, 2] }),
    grad: { convWeightGrad: 'conv' },
  },
  {
    name: 'Conv trick: output padding',
    inputs: [{ shape: [1, 2, 8, 8] }, { shape: [3, 2, 3, 3] }, { shape: [3] }],
    build: conv({ kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }),
    grad: { convWeightGrad: 'conv' },
  },
  {
    name: 'im2col: stride 3',
    inputs: [{ shape: [2, 2, 11, 10] }, { shape: [3, 2, 3, 2] }, { shape: [3] }],
    build: conv({ kernel_shape: [3, 2], strides: [3, 3] }),
    grad: { convWeightGrad: 'im2col' },
  },
  {
    name: 'im2col: dilation + stride + asym pads',
    inputs: [{ shape: [1, 2, 13, 12] }, { shape: [2, 2, 3, 3] }, { shape: [2] }],
    build: conv({ kernel_shape: [3, 3], dilations: [2, 3], strides: [2, 3], pads: [1, 0, 0, 2] }),
    grad: { convWeightGrad: 'im2col' },
  },
  {
    name: 'im2col: stride 2 even input',
    inputs: [{ shape: [1, 2, 8, 8] }, { shape: [3, 2, 3, 3] }, { shape: [3] }],
    build: conv({ kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }),
    grad: { convWeightGrad: 'im2col' },
  },
  {
    name: 'Conv 1x1 stride 2 (pointwise GEMM)',
    inputs: [{ shape: [2, 4, 7, 6] }, { shape: [5, 4, 1, 1] }, { shape: [5] }],
    build: conv({ kernel_shape: [1, 1], strides: [2, 2] }),
  },
  { name: 'Conv 1x1 stride 1 16ch', inputs: [{ shape: [2, 16, 3, 3] }, { shape: [16, 16, 1, 1] }], build: conv({ kernel_shape: [1, 1] }, false) },
  // MaxPool: overlapping, ceil, padding, non-overlapping (MaxUnpool path).
  {
    name: 'MaxPool 3/2 overlapping',
    inputs: [{ shape: [2, 2, 9, 9], gen: 'distinct' }],
    build: (g, [x]) => mp(g, x!, { kernel_shape: [3, 3], strides: [2, 2] }),
  },
  {
    name: 'MaxPool 3/2 ceil',
    inputs: [{ shape: [1, 2, 8, 8], gen: 'distinct' }],
    build: (g, [x]) => mp(g, x!, { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }),
  },
  {
    name: 'MaxPool 3/1 pad 1 ceil',
    inputs: [{ shape: [1, 2, 5, 6], gen: 'distinct' }],
    build: (g, [x]) => mp(g, x!, { kernel_shape: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], ceil_mode: 1 }),
  },
  {
    name: 'MaxPool 2/2 non-overlapping odd',
    inputs: [{ shape: [2, 2, 7, 6], gen: 'distinct' }],
    build: (g, [x]) => mp(g, x!, { kernel_shape: [2, 2], strides: [2, 2] }),
  },
  {
    name: 'MaxPool 2/2 ceil pads asymmetric',
    inputs: [{ shape: [1, 2, 7, 7], gen: 'distinct' }],
    build: (g, [x]) => mp(g, x!, { kernel_shape: [2, 2], strides: [2, 2], pads: [1, 0, 0, 1], ceil_mode: 1 }),
  },
  // AveragePool: count_include_pad both ways, ceil.
  { name: 'AveragePool 2/2', inputs: [{ shape: [2, 3, 6, 8] }], build: (g, [x]) => g.op1('AveragePool', [x!], { kernel_shape: [2, 2], strides: [2, 2] }) },
  {
    name: 'AveragePool 3/2 pad 1 include_pad',
    inputs: [{ shape: [1, 2, 7, 8] }],
    build: (g, [x]) => g.op1('AveragePool', [x!], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], count_include_pad: 1 }),
  },
  {
    name: 'AveragePool 3/2 pad 1 exclude_pad',
    inputs: [{ shape: [1, 2, 7, 8] }],
    build: (g, [x]) => g.op1('AveragePool', [x!], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], count_include_pad: 0 }),
  },
  {
    name: 'AveragePool 3/2 ceil',
    inputs: [{ shape: [1, 2, 8, 8] }],
    build: (g, [x]) => g.op1('AveragePool', [x!], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }),
  },
  {
    name: 'AveragePool 3/3 stride 3 ceil pad include',
    inputs: [{ shape: [1, 1, 10, 7] }],
    build: (g, [x]) => g.op1('AveragePool', [x!], { kernel_shape: [3, 3], strides: [3, 3], pads: [1, 0, 1, 0], ceil_mode: 1, count_include_pad: 1 }),
  },
  { name: 'GlobalAveragePool', inputs: [{ shape: [2, 3, 5, 7] }], build: (g, [x]) => g.op1('GlobalAveragePool', [x!]) },
  // Normalisation.
  {
    name: 'BatchNormalization (all inputs)',
    inputs: [{ shape: [3, 4, 3, 5] }, { shape: [4] }, { shape: [4] }, { shape: [4] }, { shape: [4], gen: 'positive' }],
    build: (g, xs) => g.op1('BatchNormalization', xs, { epsilon: 1e-3 }),
  },
  {
    name: 'BatchNorm with batch statistics (explicit ops)',
    inputs: [{ shape: [4, 3, 3, 3] }, { shape: [3] }, { shape: [3] }],
    build: (g, [x, s, b]) => {
      const m = g.op1('ReduceMean', [x!], { axes: [0, 2, 3], keepdims: 1 });
      const xc = g.op1('Sub', [x!, m]);
      const v = g.op1('ReduceMean', [g.op1('Mul', [xc, xc])], { axes: [0, 2, 3], keepdims: 1 });
      const m1 = g.op1('Reshape', [m, i64(g, [3])]);
      const v1 = g.op1('Reshape', [v, i64(g, [3])]);
      return g.op1('BatchNormalization', [x!, s!, b!, m1, v1], { epsilon: 1e-5 });
    },
  },
  { name: 'LRN size 3', inputs: [{ shape: [2, 5, 3, 3] }], build: (g, [x]) => g.op1('LRN', [x!], { size: 3, alpha: 0.5, beta: 0.75, bias: 1 }) },
  { name: 'LRN size 5', inputs: [{ shape: [1, 7, 2, 3] }], build: (g, [x]) => g.op1('LRN', [x!], { size: 5, alpha: 0.3, beta: 0.6, bias: 2 }) },
  // Activations.
  { name: 'Relu', inputs: [{ shape: [3, 7], gen: 'away' }], build: (g, [x]) => g.op1('Relu', [x!]) },
  { name: 'LeakyRelu', inputs: [{ shape: [3, 7], gen: 'away' }], build: (g, [x]) => g.op1('LeakyRelu', [x!], { alpha: 0.2 }) },
  { name: 'Sigmoid', inputs: [{ shape: [3, 7] }], build: (g, [x]) => g.op1('Sigmoid', [x!]) },
  { name: 'Tanh', inputs: [{ shape: [3, 7] }], build: (g, [x]) => g.op1('Tanh', [x!]) },
  { name: 'Softmax axis 1', inputs: [{ shape: [3, 5] }], build: (g, [x]) => g.op1('Softmax', [x!], { axis: 1 }) },
  { name: 'LogSoftmax axis -1', inputs: [{ shape: [2, 3, 4] }], build: (g, [x]) => g.op1('LogSoftmax', [x!], { axis: -1 }) },
  // Broadcasting arithmetic.
  { name: 'Add broadcast', inputs: [{ shape: [2, 3, 4] }, { shape: [3, 1] }], build: (g, [a, b]) => g.op1('Add', [a!, b!]) },
  { name: 'Sub broadcast', inputs: [{ shape: [2, 1, 4] }, { shape: [2, 3, 1] }], build: (g, [a, b]) => g.op1('Sub', [a!, b!]) },
  { name: 'Mul broadcast', inputs: [{ shape: [2, 3, 4] }, { shape: [4] }], build: (g, [a, b]) => g.op1('Mul', [a!, b!]) },
  { name: 'Div broadcast', inputs: [{ shape: [2, 3, 4] }, { shape: [1, 3, 1], gen: 'positive' }], build: (g, [a, b]) => g.op1('Div', [a!, b!]) },
  { name: 'Sum broadcast', inputs: [{ shape: [2, 3] }, { shape: [3] }, { shape: [2, 1] }], build: (g, xs) => g.op1('Sum', xs) },
  { name: 'Pow x^3', inputs: [{ shape: [2, 5] }], build: (g, [x]) => g.op1('Pow', [x!, g.constFloat('p', [3], [])]) },
  { name: 'Pow both', inputs: [{ shape: [2, 5], gen: 'positive' }, { shape: [5] }], build: (g, [a, b]) => g.op1('Pow', [a!, b!]) },
  { name: 'Sqrt', inputs: [{ shape: [2, 5], gen: 'positive' }], build: (g, [x]) => g.op1('Sqrt', [x!]) },
  { name: 'Neg', inputs: [{ shape: [2, 5] }], build: (g, [x]) => g.op1('Neg', [x!]) },
  { name: 'Exp', inputs: [{ shape: [2, 5] }], build: (g, [x]) => g.op1('Exp', [x!]) },
  { name: 'Log', inputs: [{ shape: [2, 5], gen: 'positive' }], build: (g, [x]) => g.op1('Log', [x!]) },
  { name: 'Reciprocal', inputs: [{ shape: [2, 5], gen: 'positive' }], build: (g, [x]) => g.op1('Reciprocal', [x!]) },
  {
    name: 'Where',
    inputs: [{ shape: [3, 4] }, { shape: [4] }],
    build: (g, [a, b]) => g.op1('Where', [g.op1('Greater', [a!, g.constFloat('z', [0], [])]), a!, b!]),
  },
  { name: 'Cast float->float', inputs: [{ shape: [2, 3] }], build: (g, [x]) => g.op1('Cast', [x!], { to: 1 }) },
  // Linear algebra.
  { name: 'Gemm', inputs: [{ shape: [3, 4] }, { shape: [4, 5] }, { shape: [5] }], build: (g, xs) => g.op1('Gemm', xs, { alpha: 0.7, beta: 1.3 }) },
  {
    name: 'Gemm transA transB',
    inputs: [{ shape: [4, 3] }, { shape: [5, 4] }, { shape: [3, 1] }],
    build: (g, xs) => g.op1('Gemm', xs, { transA: 1, transB: 1 }),
  },
  { name: 'Gemm transA', inputs: [{ shape: [4, 3] }, { shape: [4, 5] }], build: (g, xs) => g.op1('Gemm', xs, { transA: 1 }) },
  { name: 'MatMul batched broadcast', inputs: [{ shape: [2, 3, 4] }, { shape: [4, 5] }], build: (g, xs) => g.op1('MatMul', xs) },
  { name: 'MatMul batch both', inputs: [{ shape: [2, 1, 3, 4] }, { shape: [3, 4, 2] }], build: (g, xs) => g.op1('MatMul', xs) },
  // Shape ops.
  { name: 'Concat axis 1', inputs: [{ shape: [2, 3, 2] }, { shape: [2, 1, 2] }, { shape: [2, 2, 2] }], build: (g, xs) => g.op1('Concat', xs, { axis: 1 }) },
  {
    name: 'Split (one output unused)',
    inputs: [{ shape: [2, 6] }],
    build: (g, [x]) => {
      const [a, , c] = g.op('Split', [x!, i64(g, [1, 2, 3])], { axis: 1 }, { outputs: 3 });
      return g.op1('Concat', [a!, c!], { axis: 1 });
    },
  },
  { name: 'Flatten', inputs: [{ shape: [2, 3, 2, 2] }], build: (g, [x]) => g.op1('Flatten', [x!], { axis: 2 }) },
  { name: 'Reshape', inputs: [{ shape: [2, 3, 4] }], build: (g, [x]) => g.op1('Reshape', [x!, i64(g, [4, -1])]) },
  { name: 'Squeeze/Unsqueeze', inputs: [{ shape: [2, 1, 3] }], build: (g, [x]) => g.op1('Unsqueeze', [g.op1('Squeeze', [x!, i64(g, [1])]), i64(g, [0])]) },
  { name: 'Transpose', inputs: [{ shape: [2, 3, 4] }], build: (g, [x]) => g.op1('Transpose', [x!], { perm: [2, 0, 1] }) },
  { name: 'Expand', inputs: [{ shape: [3, 1] }], build: (g, [x]) => g.op1('Expand', [x!, i64(g, [2, 3, 4])]) },
  { name: 'Pad constant (incl. negative)', inputs: [{ shape: [2, 3, 4] }], build: (g, [x]) => g.op1('Pad', [x!, i64(g, [0, 1, -1, 0, 2, 1])]) },
  { name: 'Identity', inputs: [{ shape: [2, 3] }], build: (g, [x]) => g.op1('Identity', [x!]) },
  { name: 'Dropout (inference)', inputs: [{ shape: [2, 3] }], build: (g, [x]) => g.op1('Dropout', [x!]) },
  { name: 'ReduceMean keepdims 0', inputs: [{ shape: [2, 3, 4] }], build: (g, [x]) => g.op1('ReduceMean', [x!], { axes: [0, 2], keepdims: 0 }) },
  { name: 'ReduceSum axes input', inputs: [{ shape: [2, 3, 4] }], build: (g, [x]) => g.op1('ReduceSum', [x!, i64(g, [1])], { keepdims: 1 }) },
  // Further elementwise ops an imported ONNX graph may carry.
  {
    name: 'Clip (ReLU6)',
    inputs: [{ shape: [3, 7], gen: 'away' }],
    build: (g, [x]) => g.op1('Clip', [x!, g.constFloat('lo', [0], []), g.constFloat('hi', [0.9], [])]),
  },
  { name: 'Elu', inputs: [{ shape: [3, 7], gen: 'away' }], build: (g, [x]) => g.op1('Elu', [x!], { alpha: 0.7 }) },
  { name: 'Softplus', inputs: [{ shape: [3, 7] }], build: (g, [x]) => g.op1('Softplus', [x!]) },
  { name: 'Abs', inputs: [{ shape: [3, 7], gen: 'away' }], build: (g, [x]) => g.op1('Abs', [x!]) },
  { name: 'Slice', inputs: [{ shape: [2, 5, 6] }], build: (g, [x]) => g.op1('Slice', [x!, i64(g, [1, -4]), i64(g, [4, 100]), i64(g, [1, 2])]) },
  // Mobile-network ops (MobileNetV2/V3, EfficientNet). Inputs are scaled so that both sides of
  // every kink (HardSwish at -3 and 3, HardSigmoid at -3 and 3, ReLU6 at 0 and 6) are sampled.
  {
    name: 'Clip 0..6 (ReLU6 block)',
    inputs: [{ shape: [3, 8], gen: 'away' }],
    build: (g, [x]) => g.op1('Clip', [g.op1('Mul', [x!, g.constFloat('s', [3.5], [])]), g.constFloat('lo', [0], []), g.constFloat('hi', [6], [])]),
  },
  { name: 'HardSwish', inputs: [{ shape: [4, 8] }], build: (g, [x]) => g.op1('HardSwish', [g.op1('Mul', [x!, g.constFloat('s', [3], [])])]) },
  {
    name: 'HardSigmoid (PyTorch slope 1/6)',
    inputs: [{ shape: [4, 8] }],
    build: (g, [x]) => g.op1('HardSigmoid', [g.op1('Mul', [x!, g.constFloat('s', [3], [])])], { alpha: 1 / 6, beta: 0.5 }),
  },
  { name: 'HardSigmoid alpha 0.4 beta 0.3', inputs: [{ shape: [3, 7] }], build: (g, [x]) => g.op1('HardSigmoid', [x!], { alpha: 0.4, beta: 0.3 }) },
  { name: 'SiLU (Sigmoid then Mul)', inputs: [{ shape: [3, 7] }], build: (g, [x]) => g.op1('Mul', [x!, g.op1('Sigmoid', [x!])]) },
  { name: 'Mul SE gate [N,C,1,1] x [N,C,H,W]', inputs: [{ shape: [2, 3, 1, 1] }, { shape: [2, 3, 4, 5] }], build: (g, [s, x]) => g.op1('Mul', [s!, x!]) },
  // Fan-out accumulation: one value used three times.
  { name: 'Fan-out', inputs: [{ shape: [2, 3] }], build: (g, [x]) => g.op1('Mul', [g.op1('Add', [x!, g.op1('Tanh', [x!])]), x!]) },
];
