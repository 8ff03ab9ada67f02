/**
 * One record per ONNX op: everything the studio knows about it, declared once (as ONNX's own op
 * schemas declare type, attributes and shape inference together). The registry (registry.ts)
 * builds from these records the tables that shape inference, autodiff, the per-sample check, the
 * importer and the provider targets read.
 */
import type { ImportContext } from '../onnx/import-context';
import type { Node } from '../onnx/ir';
import type { GradRule, OutputsGradRule } from '../train/grad/types';
import type { AttrSpecs } from './attributes';
import type { ShapeRule } from './shape-context';

/** What the per-sample check knows about a node that reads batch values. */
export interface PerSampleView {
  /** Which inputs carry batch values (computed from the images). */
  batchInputs: readonly boolean[];
  /** Rank of the first batch input. */
  rank: number;
  /** Folded value of a constant input, if known. */
  constant(name: string | undefined): number[] | undefined;
}

/** Why this node would mix the samples of a batch (e.g. softmax along axis 0), or null. */
export type PerSampleCheck = (n: Node, view: PerSampleView) => string | null;

/** Maps a node onto a studio block (adds a Plan) and returns true, or false when it does not fit. */
export type ImportMapper = (n: Node, ctx: ImportContext) => boolean;

export interface OpRecord {
  /** ONNX op type (ai.onnx domain; 'BatchNormTrain' is the engine's own pseudo-op). */
  readonly type: string;
  /** Attributes the rules read, with ONNX types and defaults. */
  readonly attrs?: AttrSpecs;
  /** Static shape inference (and constant folding of small int64 shape arithmetic). */
  readonly shape?: ShapeRule;
  /** Gradient of the inputs from the gradient of output 0 (called only when output 0 has one). */
  readonly grad?: GradRule;
  /** Gradient from the gradients of all outputs, any of which may be missing (Split). */
  readonly gradFromOutputs?: OutputsGradRule;
  /**
   * Inputs a gradient flows into. Absent: every input. Empty: the op's outputs carry no gradient
   * at all (indices, booleans, shapes, random draws), and autodiff passes over it.
   */
  readonly differentiable?: readonly number[];
  /** Computes each sample from that sample alone: always (true) or unless the check says why not. */
  readonly perSample?: true | PerSampleCheck;
  /** How the importer maps the op onto a block (ops without one become generic ONNX op blocks). */
  readonly import?: ImportMapper;
  /** Capability keys (target.ts opCapability) that providers are known to lack, by provider. */
  readonly gaps?: Readonly<Record<string, readonly string[]>>;
}
