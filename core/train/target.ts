/**
 * The execution provider a training or eval graph is built for, and the formulations that follow
 * from what it lacks. Gradient rules and the loss have equivalent forms (same values to float32
 * rounding); a graph built for a provider picks the forms it runs, so a step stays on the device.
 *
 * What a provider lacks is described by capability keys (opCapability): an op type ('LogSoftmax'),
 * an op over int64 data ('Equal.int64'), or MaxPool's Indices output ('MaxPool.Indices'). They come
 * from the op-support probe (main/providers/op-probe.ts), or, before it ran, from known facts
 * (KNOWN_GAPS). Formulation per gap:
 *   MaxPool.Indices, MaxUnpool.int64, ScatterElements.int64,
 *   Reshape.int64 (the Indices route's ops)                    -> MaxPool backward without Indices
 *   Equal.int64, Unsqueeze.int64, Gather.int64                 -> labels fed as float one-hot [N, C]
 *   LogSoftmax                                                 -> explicit max-shifted log-softmax
 *   Sum                                                        -> gradient accumulation by Add
 *   Conv.dilations (a dilated Conv)                            -> strided convs' weight gradient by
 *                                                                 im2col (the conv trick dilates by the stride)
 *   Size, Cast.int64                                           -> Size of static shapes folded to constants
 */
import type { DType, Node } from '../onnx/ir';
import { KNOWN_GAPS } from '../ops/registry';
import type { GradOptions } from './grad/types';
import type { LossFormulation } from './loss';

export interface ProviderTarget {
  /** Provider name ('cpu', 'webgpu', ...), for messages. */
  provider: string;
  /** Capability keys the provider lacks (see opCapability). */
  lacks: ReadonlySet<string>;
}

/**
 * Measured on onnxruntime-node 1.30 with lavapipe 25.0 (one-node models,
 * session.disable_cpu_ep_fallback = 1): WebGPU has no kernel for Equal or Unsqueeze over int64
 * data, LogSoftmax, MaxUnpool, Sum or Size; it fails MaxPool with Indices at run time ("The Indices
 * output is not supported yet"); and a dilated 1x1 Conv with end padding (the conv-trick weight
 * gradient of a 1x1 stride-2 conv) differs from the CPU by as much as its output. Each gap is
 * declared on its op's record (core/ops, `gaps`); the registry gathers them.
 */
export { KNOWN_GAPS };

/** The target before any probe ran: the known gaps of the provider (none for the CPU). */
export function knownTarget(provider: string): ProviderTarget {
  return { provider, lacks: new Set(KNOWN_GAPS[provider] ?? []) };
}

export const CPU_TARGET: ProviderTarget = knownTarget('cpu');

/**
 * The capability key of a node: op type, + '.int64' when an input that is not a constant
 * (initializer) is int64, 'MaxPool.Indices' for MaxPool with its second output, 'Conv.dilations'
 * for a Conv with a dilation above 1.
 */
export function opCapability(node: Pick<Node, 'opType' | 'outputs' | 'attributes'>, dataInputTypes: readonly (DType | undefined)[]): string {
  if (node.opType === 'MaxPool' && node.outputs.length > 1 && node.outputs[1]) return 'MaxPool.Indices';
  const dil = node.attributes.dilations;
  if (node.opType === 'Conv' && dil?.kind === 'ints' && dil.value.some((d) => d > 1)) return 'Conv.dilations';
  return dataInputTypes.includes('int64') ? `${node.opType}.int64` : node.opType;
}

const INDICES_ROUTE = ['MaxPool.Indices', 'MaxUnpool.int64', 'ScatterElements.int64', 'Reshape.int64'];
const INT64_LABELS = ['Equal.int64', 'Unsqueeze.int64', 'Gather.int64'];
/** Size, and the Cast of its int64 result (batch norm's element count). */
const STATIC_SIZE = ['Size', 'Cast.int64'];

export interface Formulation {
  grad: GradOptions;
  loss: LossFormulation;
  /** Replace Size of statically shaped values by constants (foldStaticSize). */
  foldSize: boolean;
}

/** Formulations for a target; `base` grad options (e.g. a caller's conv choices) are kept. */
export function formulationFor(target: ProviderTarget, base: GradOptions = {}): Formulation {
  const lacks = (keys: readonly string[]) => keys.some((k) => target.lacks.has(k));
  const grad: GradOptions = { ...base };
  if (lacks(INDICES_ROUTE)) grad.maxPoolIndices = false;
  if (target.lacks.has('Sum')) grad.accumulate = 'add';
  if (target.lacks.has('Conv.dilations')) grad.convWeightGrad = 'undilated';
  return {
    grad,
    foldSize: lacks(STATIC_SIZE),
    loss: {
      labels: lacks(INT64_LABELS) ? 'onehot' : 'int64',
      logSoftmax: target.lacks.has('LogSoftmax') ? 'explicit' : 'op',
    },
  };
}

/** A target that also lacks `more` (capability keys learned from a probe). */
export function withGaps(target: ProviderTarget, more: Iterable<string>): ProviderTarget {
  return { provider: target.provider, lacks: new Set([...target.lacks, ...more]) };
}

/**
 * Replaces each Size node whose input has a static shape by an int64 scalar Constant (exact; the
 * runtime then folds what reads it). `shape` returns the static shape of a value, if known.
 */
export function foldStaticSize(nodes: Node[], shape: (value: string) => number[] | undefined): Node[] {
  return nodes.map((n) => {
    const s = n.opType === 'Size' ? shape(n.inputs[0]!) : undefined;
    if (!s) return n;
    const count = s.reduce((a, b) => a * b, 1);
    return {
      name: n.name,
      opType: 'Constant',
      inputs: [],
      outputs: [n.outputs[0]!],
      attributes: { value: { kind: 'tensor', value: { name: '', dtype: 'int64', dims: [], data: BigInt64Array.from([BigInt(count)]) } } },
    };
  });
}
