/**
 * Node sizes for auto-layout, computed from what a node shows rather than measured, so a layout
 * can run before (or without) rendering: a just-opened ResNet-152 lays out in one pass.
 */
import type { NodeView } from './node-view';
import { innerLayout } from './inner-layout';
import type { Primitive } from '../../core/graph/expanded';

export const BLOCK_W = 212;

export function nodeSize(v: NodeView | undefined, prims: readonly Primitive[] | undefined): { width: number; height: number } {
  if (v?.composite && v.expanded && prims?.length) {
    const l = innerLayout(prims);
    return { width: l.width, height: l.height };
  }
  return { width: BLOCK_W, height: 56 + 17 * (v?.keyParams.length ?? 0) };
}
