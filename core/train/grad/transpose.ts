import { attrInts } from '../attrs';
import type { GradRule } from './types';
import { inShape, op } from './util';

/** Transpose with perm p: dx = Transpose(dy, inverse(p)). */
export const transposeGrad: GradRule = (node, [dy], ctx, need) => {
  if (!dy || !need[0]) return [];
  const xs = inShape(ctx, node, 0);
  const perm = attrInts(node, 'perm') ?? xs.map((_, i) => xs.length - 1 - i);
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => {
    inv[p] = i;
  });
  return [op(ctx, 'Transpose', [dy], xs, { perm: inv })];
};
