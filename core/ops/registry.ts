/**
 * The op registry: one line per ONNX op the studio knows. Every table that shape inference,
 * autodiff, the per-sample check, the importer and the provider targets read is built from these
 * records, so adding an op is one record (in the file of its family) and one line here.
 */
import * as arithmetic from './arithmetic';
import * as constants from './constants';
import * as conv from './conv';
import * as elementwise from './elementwise';
import * as reshape from './reshape';
import * as slicing from './slicing';
import * as linear from './linear';
import * as normalization from './normalization';
import * as pool from './pool';
import * as reduce from './reduce';
import type { OpRecord } from './types';

export const OPS: readonly OpRecord[] = [
  // Convolution, pooling, normalisation, matrix products.
  conv.conv,
  conv.convTranspose,
  pool.maxPool,
  pool.averagePool,
  pool.lpPool,
  pool.globalAveragePool,
  pool.globalMaxPool,
  pool.maxUnpool,
  normalization.batchNormalization,
  normalization.batchNormTrain,
  normalization.instanceNormalization,
  normalization.lrn,
  linear.gemm,
  linear.matMul,
  // Element-wise on one tensor.
  elementwise.relu,
  elementwise.leakyRelu,
  elementwise.elu,
  elementwise.sigmoid,
  elementwise.tanh,
  elementwise.softplus,
  elementwise.abs,
  elementwise.neg,
  elementwise.exp,
  elementwise.log,
  elementwise.sqrt,
  elementwise.reciprocal,
  elementwise.identity,
  elementwise.clip,
  elementwise.cast,
  elementwise.dropout,
  elementwise.softmax,
  elementwise.logSoftmax,
  elementwise.selu,
  elementwise.softsign,
  elementwise.hardSigmoid,
  elementwise.hardSwish,
  elementwise.erf,
  elementwise.gelu,
  elementwise.prelu,
  // Broadcasting arithmetic, comparisons, rounding.
  arithmetic.add,
  arithmetic.sub,
  arithmetic.mul,
  arithmetic.div,
  arithmetic.pow,
  arithmetic.sum,
  arithmetic.max,
  arithmetic.min,
  arithmetic.mean,
  arithmetic.where,
  arithmetic.equal,
  arithmetic.less,
  arithmetic.greater,
  arithmetic.lessOrEqual,
  arithmetic.greaterOrEqual,
  arithmetic.and,
  arithmetic.or,
  arithmetic.xor,
  arithmetic.floor,
  arithmetic.ceil,
  arithmetic.round,
  arithmetic.sign,
  arithmetic.not,
  // Data movement.
  reshape.flatten,
  reshape.reshape,
  reshape.squeeze,
  reshape.unsqueeze,
  reshape.transpose,
  slicing.concat,
  slicing.split,
  slicing.slice,
  slicing.pad,
  reshape.expand,
  reshape.tile,
  slicing.gather,
  slicing.gatherElements,
  slicing.scatterElements,
  slicing.scatterND,
  // Reductions.
  reduce.reduceSum,
  reduce.reduceMean,
  reduce.reduceMax,
  reduce.reduceMin,
  reduce.reduceProd,
  reduce.reduceL1,
  reduce.reduceL2,
  reduce.reduceLogSum,
  reduce.reduceLogSumExp,
  reduce.reduceSumSquare,
  reduce.argMax,
  reduce.argMin,
  // Constants, shapes, random draws.
  constants.constant,
  constants.shape,
  constants.size,
  constants.constantOfShape,
  constants.range,
  constants.oneHot,
  constants.randomUniformLike,
  constants.randomNormalLike,
  constants.randomUniform,
  constants.randomNormal,
  constants.bernoulli,
  constants.nonZero,
];

const BY_TYPE: ReadonlyMap<string, OpRecord> = new Map(OPS.map((r) => [r.type, r]));
if (BY_TYPE.size !== OPS.length) throw new Error('core/ops/registry.ts: an op type is registered twice');

/** The record of an op type, if the studio knows it. */
export function opRecord(type: string): OpRecord | undefined {
  return BY_TYPE.get(type);
}

/** Ops whose outputs never carry a gradient (differentiable: []). */
export const NON_DIFFERENTIABLE: ReadonlySet<string> = new Set(OPS.filter((r) => r.differentiable?.length === 0).map((r) => r.type));

/** Capability keys each provider is known to lack, gathered from the records' gaps. */
export const KNOWN_GAPS: Readonly<Record<string, readonly string[]>> = (() => {
  const out: Record<string, string[]> = {};
  for (const r of OPS) for (const [provider, keys] of Object.entries(r.gaps ?? {})) (out[provider] ??= []).push(...keys);
  return out;
})();
