/**
 * The gradient rule table: one rule per ONNX op (one file each). The autodiff engine looks rules
 * up here; ops listed in NON_DIFFERENTIABLE carry no gradient (integer, boolean or shape outputs).
 */
import { absGrad } from './abs';
import { addGrad } from './add';
import { averagePoolGrad } from './averagepool';
import { batchNormalizationGrad } from './batchnormalization';
import { batchNormTrainGrad } from './batchnormtrain';
import { castGrad } from './cast';
import { clipGrad } from './clip';
import { concatGrad } from './concat';
import { convGrad } from './conv';
import { divGrad } from './div';
import { dropoutGrad } from './dropout';
import { eluGrad } from './elu';
import { expGrad } from './exp';
import { expandGrad } from './expand';
import { flattenGrad } from './flatten';
import { gemmGrad } from './gemm';
import { globalAveragePoolGrad } from './globalaveragepool';
import { identityGrad } from './identity';
import { leakyReluGrad } from './leakyrelu';
import { logGrad } from './log';
import { logSoftmaxGrad } from './logsoftmax';
import { lrnGrad } from './lrn';
import { matMulGrad } from './matmul';
import { maxPoolGrad } from './maxpool';
import { mulGrad } from './mul';
import { negGrad } from './neg';
import { padGrad } from './pad';
import { powGrad } from './pow';
import { reciprocalGrad } from './reciprocal';
import { reduceMeanGrad } from './reducemean';
import { reduceSumGrad } from './reducesum';
import { reluGrad } from './relu';
import { reshapeGrad } from './reshape';
import { sigmoidGrad } from './sigmoid';
import { sliceGrad } from './slice';
import { softmaxGrad } from './softmax';
import { softplusGrad } from './softplus';
import { splitGrad } from './split';
import { sqrtGrad } from './sqrt';
import { squeezeGrad } from './squeeze';
import { subGrad } from './sub';
import { sumGrad } from './sum';
import { tanhGrad } from './tanh';
import { transposeGrad } from './transpose';
import type { GradRule } from './types';
import { unsqueezeGrad } from './unsqueeze';
import { whereGrad } from './where';

export type { GradContext, GradOptions, GradRule } from './types';

export const GRAD_RULES: Readonly<Record<string, GradRule>> = {
  Abs: absGrad,
  Add: addGrad,
  AveragePool: averagePoolGrad,
  BatchNormalization: batchNormalizationGrad,
  /** Pseudo-op the engine substitutes for batch norm over batch statistics (fuse-bn.ts). */
  BatchNormTrain: batchNormTrainGrad,
  Cast: castGrad,
  Clip: clipGrad,
  Concat: concatGrad,
  Conv: convGrad,
  Div: divGrad,
  Dropout: dropoutGrad,
  Elu: eluGrad,
  Exp: expGrad,
  Expand: expandGrad,
  Flatten: flattenGrad,
  Gemm: gemmGrad,
  GlobalAveragePool: globalAveragePoolGrad,
  Identity: identityGrad,
  LeakyRelu: leakyReluGrad,
  Log: logGrad,
  LogSoftmax: logSoftmaxGrad,
  LRN: lrnGrad,
  MatMul: matMulGrad,
  MaxPool: maxPoolGrad,
  Mul: mulGrad,
  Neg: negGrad,
  Pad: padGrad,
  Pow: powGrad,
  Reciprocal: reciprocalGrad,
  ReduceMean: reduceMeanGrad,
  ReduceSum: reduceSumGrad,
  Relu: reluGrad,
  Reshape: reshapeGrad,
  Sigmoid: sigmoidGrad,
  Slice: sliceGrad,
  Softmax: softmaxGrad,
  Softplus: softplusGrad,
  Split: splitGrad,
  Sqrt: sqrtGrad,
  Squeeze: squeezeGrad,
  Sub: subGrad,
  Sum: sumGrad,
  Tanh: tanhGrad,
  Transpose: transposeGrad,
  Unsqueeze: unsqueezeGrad,
  Where: whereGrad,
};

/** Ops whose outputs never carry a gradient (indices, booleans, shapes, random draws). */
export const NON_DIFFERENTIABLE: ReadonlySet<string> = new Set([
  'Shape', 'Size', 'Constant', 'ConstantOfShape', 'Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual',
  'And', 'Or', 'Xor', 'Not', 'ArgMax', 'ArgMin', 'OneHot', 'Range', 'RandomUniformLike', 'RandomNormalLike',
  'RandomUniform', 'RandomNormal', 'Bernoulli', 'Floor', 'Ceil', 'Round', 'Sign', 'NonZero',
]);
