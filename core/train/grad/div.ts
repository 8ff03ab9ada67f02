import type { GradRule } from './types';
import { inShape, op, outShape } from './util';

/** Div: y = a / b (broadcast)  =>  da = unbroadcast(dy / b), db = -unbroadcast(dy * y / b). */
export const divGrad: GradRule = (node, [dy], ctx, need) => {
  if (!dy) return [];
  const ys = outShape(ctx, node);
  const b = node.inputs[1]!;
  const res: (string | undefined)[] = [];
  const dyOverB = op(ctx, 'Div', [dy, b], ys);
  if (need[0]) res[0] = ctx.unbroadcast(dyOverB, ys, inShape(ctx, node, 0));
  if (need[1]) {
    const bs = inShape(ctx, node, 1);
    res[1] = op(ctx, 'Neg', [ctx.unbroadcast(op(ctx, 'Mul', [dyOverB, node.outputs[0]!], ys), ys, bs)], bs);
  }
  return res;
};
