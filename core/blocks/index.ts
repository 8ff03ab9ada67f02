/**
 * The block registry: every block kind, registered once. Adding a block = one new file + one line
 * here; the editor palette, the analysis, export and training all read this list.
 */
import type { BlockDef } from './define';
import { input } from './input';
import { conv2d } from './conv2d';
import { maxPool2d } from './maxpool2d';
import { avgPool2d } from './avgpool2d';
import { globalAvgPool } from './global-avg-pool';
import { batchNorm2d } from './batchnorm2d';
import { localResponseNorm } from './lrn';
import { relu } from './relu';
import { leakyRelu } from './leaky-relu';
import { sigmoid } from './sigmoid';
import { tanh } from './tanh';
import { relu6 } from './relu6';
import { hardswish } from './hardswish';
import { hardsigmoid } from './hardsigmoid';
import { silu } from './silu';
import { dropout } from './dropout';
import { flatten } from './flatten';
import { dense } from './dense';
import { add } from './add';
import { multiply } from './multiply';
import { concat } from './concat';
import { output } from './output';
import { inception } from './inception';
import { residual } from './residual';
import { squeezeExcite } from './squeeze-excite';
import { separableConv } from './separable-conv';
import { mbconv } from './mbconv';
import { stochasticDepth } from './stochastic-depth';
import { group } from './group';
import { onnxOp } from './onnx-op';

const registry: BlockDef[] = [
  input,
  conv2d,
  maxPool2d,
  avgPool2d,
  globalAvgPool,
  batchNorm2d,
  localResponseNorm,
  relu,
  leakyRelu,
  sigmoid,
  tanh,
  relu6,
  hardswish,
  hardsigmoid,
  silu,
  dropout,
  stochasticDepth,
  flatten,
  dense,
  add,
  multiply,
  concat,
  output,
  inception,
  residual,
  squeezeExcite,
  separableConv,
  mbconv,
  group,
  onnxOp,
];

/** Every registered block, in palette order. */
export const BLOCKS: readonly BlockDef[] = registry;

const byType = new Map(registry.map((b) => [b.type, b]));

/**
 * Adds a block kind at run time (a plugin, or a test that defines its own block). Its type must be
 * new: replacing a built-in block would change what existing projects mean.
 */
export function registerBlock(def: BlockDef): void {
  if (byType.has(def.type)) throw new Error(`a block of type "${def.type}" is registered already`);
  registry.push(def);
  byType.set(def.type, def);
}

export function getBlock(type: string): BlockDef | undefined {
  return byType.get(type);
}

export function blockTypes(): string[] {
  return BLOCKS.map((b) => b.type);
}

export * from './define';
export * from './params';
