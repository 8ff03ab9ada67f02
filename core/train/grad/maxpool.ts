import { spatialParams } from '../attrs';
import type { GradRule } from './types';
import { inShape } from './util';

/**
 * MaxPool: y[o] = x[argmax over window(o)] (first maximum, as ORT and PyTorch pick it), so
 * dx[i] = sum over windows o whose argmax is i of dy[o].
 *
 * ORT's Indices output is a flat index over the whole N*C*H*W input (batch and channel offsets
 * included, padding excluded), so:
 * - overlapping windows:     dx = ScatterElements(zeros[NCHW], flat(I), flat(dy), axis 0, reduction add)
 * - non-overlapping windows: dx = MaxUnpool(dy, I, output_shape = x.shape) (~3x cheaper; no index can
 *                            repeat when every kernel size <= its stride).
 * The training-graph builder adds the Indices output to MaxPool nodes on a gradient path.
 */
export const maxPoolGrad: GradRule = (node, [dy], ctx, need) => {
  if (!dy || !need[0]) return [];
  const indices = node.outputs[1];
  if (!indices) throw new Error(`MaxPool "${node.name}": the gradient needs the Indices output (build with prepareForTraining)`);
  const xs = inShape(ctx, node, 0);
  const p = spatialParams(node, xs.slice(2));
  const g = ctx.g;
  const r = xs.length - 2;
  const ys = ctx.shape(node.outputs[0]!);
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
  ctx.setShape(dx, xs);
  return [dx];
};
