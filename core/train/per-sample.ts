/**
 * Whether a forward graph treats the samples of a batch independently: the condition for
 * splitting a step's batch into shards whose gradients add up to the whole batch's
 * (core/train/data-parallel.ts). With the mean loss over the batch,
 *   dL/dw = sum_k (n_k / B) * dL_k/dw,   L_k the mean loss over shard k of n_k samples,
 * exactly (up to summation order) when no op mixes samples: no batch norm in training mode (its
 * statistics are over the batch), nothing that reduces, reorders or reshapes along the batch axis.
 * Checked per node by its op's record (core/ops: perSample), and by shape inference at each shard size:
 * every value computed from the images must keep the batch as its first dim (a Reshape that fixes
 * the batch size fails this).
 */
import type { Node } from '../onnx/ir';
import { opRecord } from '../ops/registry';
import type { PerSampleView } from '../ops/types';
import { inferShapes, type ShapeInfo } from './shape-infer';
import type { TrainableGraph } from './build-train-step';

/**
 * Why a node that sees batch values would mix samples, or null. Each op's record (core/ops) says
 * whether it treats samples independently, and for which attributes (e.g. softmax not along axis 0).
 */
function perSampleReason(n: Node, view: PerSampleView): string | null {
  const check = opRecord(n.opType)?.perSample;
  if (!check || (n.domain ?? '') !== '') return `${n.opType} is not known to treat samples independently`;
  return check === true ? null : check(n, view);
}

/** Near-equal slices of a batch: 64 over 2 -> [32, 32], 65 over 2 -> [33, 32]. */
export function shardSizes(batch: number, shards: number): number[] {
  const base = Math.floor(batch / shards);
  return Array.from({ length: shards }, (_, k) => base + (k < batch % shards ? 1 : 0));
}

/** Why `src` cannot be split into batch shards of `sizes` (null: it can). */
export function batchCouplingReason(src: TrainableGraph, sizes: readonly number[]): string | null {
  const batch = sizes.reduce((a, b) => a + b, 0);
  if (sizes.length < 2 || sizes.some((s) => s < 1)) return `a batch of ${batch} cannot be split into ${sizes.length} shards`;
  if (Object.keys(src.stateUpdates ?? {}).length > 0) return 'batch norm statistics couple the samples';
  const g = src.graph;
  let full: ShapeInfo;
  const bySize = new Map<number, ShapeInfo>();
  try {
    full = inferShapes(g, { batch });
    for (const s of new Set(sizes)) bySize.set(s, inferShapes(g, { batch: s }));
  } catch (e) {
    return `shapes do not follow the batch size: ${(e as Error).message}`;
  }

  const constant = (name: string | undefined): number[] | undefined => (name ? full.consts.get(name) : undefined);

  // Batch values: the images (and other non-weight inputs with a symbolic first dim, e.g. dropout
  // masks), and everything computed from them.
  const batched = new Set<string>();
  for (const v of g.inputs) {
    if (src.trainable.includes(v.name)) continue;
    const d0 = v.shape[0];
    if (v.shape.length > 0 && (typeof d0 === 'string' || (v.name === src.input && d0 === batch))) batched.add(v.name);
  }
  if (!batched.has(src.input)) return `the image input "${src.input}" has no batch axis`;
  for (const n of g.nodes) {
    const fromBatch = n.inputs.map((i) => batched.has(i));
    if (!fromBatch.some(Boolean)) continue;
    const rank = full.shapes.get(n.inputs.find((i) => batched.has(i))!)?.shape.length ?? 0;
    const why = perSampleReason(n, { batchInputs: fromBatch, rank, constant });
    if (why) return `node "${n.name}": ${why}`;
    for (const o of n.outputs) {
      if (!o) continue;
      batched.add(o);
      const fs = full.shapes.get(o)?.shape;
      if (!fs || fs[0] !== batch) return `node "${n.name}": its output "${o}" does not keep the batch axis`;
      for (const [s, si] of bySize) {
        const ss = si.shapes.get(o)?.shape;
        if (!ss || ss.length !== fs.length || ss[0] !== s || ss.some((d, i) => i > 0 && d !== fs[i])) {
          return `node "${n.name}": its output "${o}" changes shape with the batch size`;
        }
      }
    }
  }
  return batched.has(src.logits) ? null : 'the logits do not depend on the images';
}
