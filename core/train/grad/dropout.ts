import { attrFloat } from '../attrs';
import type { GradRule } from './types';
import { inShape, op } from './util';

/**
 * Dropout: in training mode y = x * mask / (1 - ratio)  =>  dx = dy * mask / (1 - ratio), with the
 * mask taken from the node's second output. In inference mode (no mask output, or training_mode
 * absent) it is the identity: dx = dy. ratio must be a constant input (default 0.5).
 */
export const dropoutGrad: GradRule = (node, [dy], ctx, need) => {
  if (!dy || !need[0]) return [];
  const mask = node.outputs[1];
  const training = node.inputs[2] ? (ctx.constValue(node.inputs[2]) ?? [1])[0] !== 0 : false;
  if (!mask || !training) return [dy];
  const xs = inShape(ctx, node, 0);
  const ratio = node.inputs[1] ? (ctx.constValue(node.inputs[1]) ?? [NaN])[0]! : attrFloat(node, 'ratio', 0.5);
  if (!Number.isFinite(ratio)) throw new Error(`Dropout "${node.name}": ratio must be a constant for training`);
  const m = ctx.g.op1('Cast', [mask], { to: 1 });
  return [op(ctx, 'Mul', [op(ctx, 'Mul', [dy, m], xs), ctx.f32([1 / (1 - ratio)])], xs)];
};
