/**
 * The expanded graph: primitives only, in topological order, each with inferred shapes, its
 * weights (named `<name>.<suffix>` PyTorch-style) and its metrics. Export and training read this.
 */
import type { InitRule, PrimitiveBlock } from '../blocks/define';
import type { Diagnostic, Params, ReceptiveField, Shape } from './types';

export interface ExpandedWeight {
  /** `<primitive name>.<suffix>`, e.g. `layer1.0.conv1.weight`, `bn1.running_mean`. */
  name: string;
  /** Id of the primitive that owns it. */
  node: string;
  suffix: string;
  shape: number[];
  init: InitRule;
  /** 'param': learnable, counted as a parameter; 'buffer': state (batch norm running stats). */
  role: 'param' | 'buffer';
  /** A learnable parameter of a node that is not frozen. */
  trainable: boolean;
}

export interface PrimitiveRef {
  node: string;
  port: number;
}

export interface Primitive {
  /** Unique: the document node id, or `<doc node id>/<relative name>` inside a composite. */
  id: string;
  /** Dotted name: the user's block name, plus the path inside composites (`layer1.0.conv1`). */
  name: string;
  type: string;
  block: PrimitiveBlock;
  params: Params;
  /** The top-level document node this primitive belongs to. */
  origin: string;
  inputs: PrimitiveRef[];
  inShapes: Shape[];
  outShapes: Shape[];
  weights: ExpandedWeight[];
  paramCount: number;
  bufferCount: number;
  macs: number;
  otherOps: number;
  /** Float32 bytes of this primitive's outputs, per sample. */
  activationBytes: number;
  /** Receptive field along the height (and width) of the input image. */
  rf: ReceptiveField;
  rfW: ReceptiveField;
  /** Reaches an Output (only live primitives are emitted and own trainable weights). */
  live: boolean;
  /**
   * Part of a frozen block: its weights are not trained and it runs in inference mode while
   * training (batch norm uses and keeps its running statistics, dropout is off), as Keras does.
   */
  frozen: boolean;
}

export interface ExpandedGraph {
  /** No error diagnostics: safe to export or train. */
  ok: boolean;
  nodes: Primitive[];
  edges: { from: PrimitiveRef; to: PrimitiveRef }[];
  /** Ids of Input primitives and of Output primitives. */
  inputs: string[];
  outputs: string[];
  /** Weights of live primitives, in topological order. */
  weights: ExpandedWeight[];
  diagnostics: Diagnostic[];
}
