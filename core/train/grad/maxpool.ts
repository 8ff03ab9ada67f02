import { spatialParams } from '../attrs';
import { maxPoolFirstMaxGrad } from './maxpool-first-max';
import type { GradRule } from './types';
import { inShape } from './util';

/**
 * MaxPool: y[o] = x[argmax over window(o)] (first maximum, as ORT and PyTorch pick it), so
 * dx[i] = sum over windows o whose argmax is i of dy[o].
 *
 * Two exact routes, chosen by whether the training-graph builder gave the node its Indices output
 * (GradOptions.maxPoolIndices; providers that cannot run MaxPool with Indices get the second):
 * 1. Indices: ORT's Indices output is a flat index over the whole N*C*H*W input (batch and channel
 *    offsets included, padding excluded), so
 *    - overlapping windows:     dx = ScatterElements(zeros[NCHW], flat(I), flat(dy), axis 0, reduction add)
 *    - non-overlapping windows: dx = MaxUnpool(dy, I, output_shape = x.shape) (~3x cheaper; no index can
 *                               repeat when every kernel size <= its stride).
 * 2. No Indices: the first maximum is found again from x and y (maxpool-first-max.ts).
 */
export const maxPoolGrad: GradRule = (node, dy, ctx) => {
  const xs = inShape(ctx, node, 0);
  const p = spatialParams(node, xs.slice(2));
  const ys = ctx.shape(node.outputs[0]!);
  const indices = node.outputs[1];
  if (!indices) return [maxPoolFirstMaxGrad(ctx, node.inputs[0]!, node.outputs[0]!, dy, xs, ys, p)];
  const g = ctx.g;
  const r = xs.length - 2;
  const overlapping = p.kernel.some((k, i) => (k - 1) * p.dilations[i]! + 1 > p.strides[i]!);
  // ORT's MaxUnpool refuses an output_shape below its default (in - 1) * s + k - pads (ceil overhang).
  const unpoolFits = xs.slice(2).every((h, i) => (ys[i + 2]! - 1) * p.strides[i]! + p.kernel[i]! - p.pads[i]! - p.pads[i + r]! <= h);
  let dx: string;
  if (!overlapping && unpoolFits && p.dilations.every((d) => d === 1)) {
    dx = g.op1('MaxUnpool', [dy, indices, ctx.i64(xs)], { kernel_shape: p.kernel, strides: p.strides, pads: p.pads });
  } else {
    const total = xs.reduce((a, b) => a * b, 1);
    const flatI = g.op1('Reshape', [indices, ctx.i64([-1])]);
    const flatD = g.op1('Reshape', [dy, ctx.i64([-1])]);
    const sc = g.op1('ScatterElements', [ctx.zeros([total]), flatI, flatD], { axis: 0, reduction: 'add' });
    dx = g.op1('Reshape', [sc, ctx.i64(xs)]);
  }
  return [dx];
};
