/**
 * Whether a forward graph treats the samples of a batch independently: the condition for
 * splitting a step's batch into shards whose gradients add up to the whole batch's
 * (core/train/data-parallel.ts). With the mean loss over the batch,
 *   dL/dw = sum_k (n_k / B) * dL_k/dw,   L_k the mean loss over shard k of n_k samples,
 * exactly (up to summation order) when no op mixes samples: no batch norm in training mode (its
 * statistics are over the batch), nothing that reduces, reorders or reshapes along the batch axis.
 * Checked per node against a list of per-sample ops, and by shape inference at each shard size:
 * every value computed from the images must keep the batch as its first dim (a Reshape that fixes
 * the batch size fails this).
 */
import type { Node } from '../onnx/ir';
import { attrInt, attrInts } from './attrs';
import { inferShapes, type ShapeInfo } from './shape-infer';
import type { TrainableGraph } from './build-train-step';

/** Ops that compute each sample from that sample alone (for the axes checked in perSampleReason). */
const PER_SAMPLE = new Set([
  'Conv', 'ConvTranspose', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'LRN',
  'Relu', 'LeakyRelu', 'PRelu', 'Sigmoid', 'Tanh', 'Elu', 'Selu', 'Softplus', 'HardSigmoid', 'Clip',
  'Identity', 'Dropout', 'Add', 'Sub', 'Mul', 'Div', 'Neg', 'Abs', 'Exp', 'Log', 'Sqrt', 'Pow', 'Erf',
  'Max', 'Min', 'Sum', 'Gemm', 'MatMul', 'Concat', 'Split', 'Flatten', 'Reshape', 'Pad', 'Softmax',
  'LogSoftmax', 'Transpose', 'Squeeze', 'Unsqueeze', 'Cast', 'Shape', 'Gather', 'Slice',
]);

/** The values of a constant int64 input (an initializer), or undefined. */
type IntConstant = (name: string | undefined) => number[] | undefined;

/** Axes a Slice or Pad touches: its `axes` input (index `at`) if given, else the first `count`. */
function touchedAxes(n: Node, at: number, count: number, constant: IntConstant): number[] | undefined {
  const given = n.inputs[at];
  return given ? constant(given) : Array.from({ length: count }, (_, i) => i);
}

/** Why a node that sees batch values would mix samples, or null. `rank` is its first input's rank. */
function perSampleReason(n: Node, batchInputs: boolean[], rank: number, constant: IntConstant): string | null {
  if (!PER_SAMPLE.has(n.opType) || (n.domain ?? '') !== '') return `${n.opType} is not known to treat samples independently`;
  const axis0 = (a: number): boolean => a === 0 || a === -rank;
  switch (n.opType) {
    case 'Concat': case 'Split': case 'Softmax': case 'LogSoftmax': case 'Gather':
      return axis0(attrInt(n, 'axis', n.opType === 'Softmax' || n.opType === 'LogSoftmax' ? -1 : 0)) ? `${n.opType} along the batch axis` : null;
    case 'Flatten':
      return attrInt(n, 'axis', 1) === 0 ? 'Flatten from axis 0' : null;
    case 'Transpose': {
      const perm = attrInts(n, 'perm');
      return !perm || perm[0] !== 0 ? 'Transpose that moves the batch axis' : null;
    }
    case 'Gemm':
      return attrInt(n, 'transA', 0) !== 0 || !batchInputs[0] || batchInputs[1] || batchInputs[2] ? 'Gemm whose batch operand is not A' : null;
    case 'MatMul':
      return !batchInputs[0] || batchInputs[1] ? 'MatMul whose batch operand is not the first' : null;
    case 'Slice': {
      // A Slice along the batch axis can keep its size (a reversal) yet reorder samples.
      const starts = attrInts(n, 'starts') ?? constant(n.inputs[1]);
      const axes = attrInts(n, 'axes') ?? (starts ? touchedAxes(n, 3, starts.length, constant) : undefined);
      return !axes ? 'Slice with non-constant starts or axes' : axes.some(axis0) ? 'Slice along the batch axis' : null;
    }
    case 'Pad': {
      // Pads (begin, end) per axis: +1 / -1 on the batch axis keeps the size but shifts samples.
      const pads = attrInts(n, 'pads') ?? constant(n.inputs[1]);
      const axes = pads ? touchedAxes(n, 3, pads.length / 2, constant) : undefined;
      if (!pads || !axes) return 'Pad with non-constant pads or axes';
      return axes.some((a, i) => axis0(a) && (pads[i] !== 0 || pads[i + axes.length] !== 0)) ? 'Pad along the batch axis' : null;
    }
    default:
      // Squeeze, Unsqueeze, Reshape, Shape: the shape check at each shard size (below) refuses the
      // ones that touch the batch axis (their output's first dim is not the shard's batch).
      return null;
  }
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

  const constant: IntConstant = (name) => (name ? full.consts.get(name) : undefined);

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
    const why = perSampleReason(n, fromBatch, rank, constant);
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
