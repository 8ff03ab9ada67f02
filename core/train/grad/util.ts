import type { AttrInput } from '../../onnx/builder';
import type { Node } from '../../onnx/ir';
import type { GradContext } from './types';

/** Gradient shape of a node's output i (equals the forward output's shape). */
export function outShape(ctx: GradContext, node: Node, i = 0): number[] {
  return ctx.shape(node.outputs[i]!);
}

export function inShape(ctx: GradContext, node: Node, i = 0): number[] {
  return ctx.shape(node.inputs[i]!);
}

/** Per-channel [C] vector reshaped to broadcast over NCHW: [1, C, 1, 1] (rank of `like`). */
export function channelView(ctx: GradContext, v: string, c: number, rank: number): string {
  const shape = [1, c, ...new Array<number>(Math.max(0, rank - 2)).fill(1)];
  const out = ctx.g.op1('Reshape', [v, ctx.i64(shape)]);
  ctx.setShape(out, shape);
  return out;
}

/** Sum over all axes except 1, [N, C, ...] -> [C]. */
export function sumExceptChannel(ctx: GradContext, v: string, rank: number): string {
  const axes = [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2)];
  return ctx.g.op1('ReduceSum', [v, ctx.i64(axes)], { keepdims: 0 });
}

/** Elementwise helper with a recorded shape. */
export function op(ctx: GradContext, type: string, inputs: string[], shape: number[], attrs: Record<string, AttrInput | undefined> = {}): string {
  const out = ctx.g.op1(type, inputs, attrs);
  ctx.setShape(out, shape);
  return out;
}
