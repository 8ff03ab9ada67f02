/**
 * The block definition API. A block is declared once with everything that differs between kinds:
 * parameters, ports, shape rule, weights, cost, receptive-field window and the ONNX ops it emits.
 * Composite blocks instead say how they expand into other blocks; the analysis expands them, so
 * ONNX export and training only ever see primitives. Optional fields carry the rest of what the
 * studio knows about a block, so a new one needs no edits elsewhere: `nameStem` (editor names),
 * `mergesInputs` (analysis fixes, import grouping), `pytorch` (its module in model.py; a composite
 * without one exports as a class built from its children), `importPattern` (composites) and
 * `importOp` (primitives) for ONNX import.
 */
import type { GraphBuilder } from '../onnx/builder';
import type { Node } from '../onnx/ir';
import type { DiagnosticCode, GroupDef, ParamValue, Params, Shape } from '../graph/types';
import type { ParamSpecs } from './params';
import type { CompositePytorch, PrimitivePytorch } from '../export-pytorch/hooks';

export type Category =
  'Input/Output' | 'Convolution' | 'Pooling' | 'Normalization' | 'Activation' | 'Regularization' | 'Shape' | 'Merge' | 'Dense' | 'Composite';

/** A fix a block rule can suggest; the graph layer turns it into concrete patches on the document. */
export type FixHint =
  | { kind: 'setParam'; label: string; param: string; value: ParamValue }
  /** Insert a new block of `type` on the edge that feeds input port `port`. */
  | { kind: 'insertBefore'; label: string; port: number; type: string; name: string; params: Params }
  /** Insert two blocks in a row (e.g. GlobalAvgPool then Flatten) on that edge. */
  | { kind: 'insertChain'; label: string; port: number; chain: { type: string; name: string; params: Params }[] };

export interface Issue {
  code: DiagnosticCode;
  message: string;
  param?: string;
  /** The input port the problem is about (merge blocks), for fixes on the edge feeding it. */
  port?: number;
  hints?: FixHint[];
}

export type InferResult = { ok: true; shapes: Shape[] } | { ok: false; issues: Issue[] };

/**
 * How a weight starts. PyTorch defaults: conv/linear weight kaiming_uniform(a=sqrt 5), which is
 * U(-b, b) with b = gain * sqrt(3 / fan_in), gain = sqrt(2 / (1 + 5)), so b = 1/sqrt(fan_in);
 * bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)); batch norm weight 1, bias 0, running mean 0, var 1.
 */
export type InitRule = { kind: 'kaiming_uniform'; fanIn: number } | { kind: 'uniform'; bound: number } | { kind: 'const'; value: number };

/** `param`: learnable (counted in parameters). `buffer`: state such as running statistics. */
export interface WeightDecl {
  suffix: string;
  shape: number[];
  init: InitRule;
  role: 'param' | 'buffer';
}

/** MACs: conv and dense multiply-accumulates (torchvision's convention). otherOps: everything else. */
export interface Cost {
  macs: number;
  otherOps: number;
}

/** A sliding window, for receptive-field arithmetic. */
export interface Window {
  kernel: [number, number];
  stride: [number, number];
  padBegin: [number, number];
  dilation: [number, number];
}
/** 'global': every output sees the whole map (global pooling, flatten). */
export type RfRule = Window | 'global' | 'identity';

/**
 * Training-mode dropout: 'off' = identity (what the reference fixtures' train step does);
 * 'random' = RandomUniformLike + Less + Cast, scaled by 1/(1-p) (seeded with dropoutSeed + i when
 * given); 'mask-input' = Mul by a graph input `<name>.mask` ([N, ...shape], values 0 or 1/(1-p))
 * that the trainer feeds each step.
 */
export type DropoutMode = 'off' | 'random' | 'mask-input';

export interface EmitContext {
  training: boolean;
  dropout?: DropoutMode;
  dropoutSeed?: number;
  /** Name of the symbolic batch dimension (default 'N'). */
  batch?: string;
  /** The ai.onnx opset written (default 17): a block whose op is newer writes older equivalent ops. */
  opset?: number;
}

export interface EmitArgs {
  /** The primitive's full dotted name (also its weight prefix). */
  name: string;
  inputs: string[];
  /** Value name per weight suffix ('weight', 'bias', 'running_mean', ...). */
  weights: Record<string, string>;
  inShapes: Shape[];
  outShapes: Shape[];
  params: Params;
  ctx: EmitContext;
  /** Index of this primitive in the expanded graph (stable seeds). */
  index: number;
}

export interface EmitResult {
  outputs: string[];
  /** Training mode: new values of buffers (suffix -> value name), e.g. batch norm running stats. */
  stateUpdates?: { suffix: string; value: string }[];
  /** Graph inputs the block declared (dropout masks in 'mask-input' mode). */
  extraInputs?: { value: string; purpose: string }[];
  notes?: string[];
}

interface BlockCommon {
  type: string;
  label: string;
  category: Category;
  description: string;
  /**
   * Other names people know the block by (PyTorch, Keras, ONNX, papers): the palette's search
   * finds the block by them. Written as people type them; matching ignores case and separators.
   */
  aliases?: readonly string[];
  params: ParamSpecs;
  /** Names of input ports (edges address them by index). */
  inputPorts(P: Params, env: BlockEnv): string[];
  /** Names of output ports. */
  outputPorts(P: Params, env: BlockEnv): string[];
  /**
   * Stem of the names the editor gives new blocks of this kind ('conv' -> conv1, conv2). Default:
   * the type, reduced to a valid name.
   */
  nameStem?: string;
  /**
   * The block merges a variable number of inputs (an `inputs` parameter sets how many): the
   * analysis offers "Use n inputs" for unconnected ports, and the ONNX importer treats a module
   * holding one as a unit to recover (a residual unit's Add, an inception module's Concat).
   */
  mergesInputs?: boolean;
}

/** What port/expansion rules may look up in the document (user group definitions). */
export interface BlockEnv {
  groups: ReadonlyMap<string, GroupDef>;
}

export interface PrimitiveBlock extends BlockCommon {
  kind: 'primitive';
  infer(inShapes: Shape[], P: Params): InferResult;
  weights(inShapes: Shape[], outShapes: Shape[], P: Params): WeightDecl[];
  cost(inShapes: Shape[], outShapes: Shape[], P: Params): Cost;
  receptive(inShapes: Shape[], P: Params): RfRule;
  emit(g: GraphBuilder, a: EmitArgs): EmitResult;
  /** Its PyTorch module (core/export-pytorch/hooks.ts). Without one, PyTorch export refuses the block by name. */
  pytorch?: PrimitivePytorch;
  /**
   * An ONNX op that imports as this block when no op record maps it (core/ops `import`): one
   * data input, one output, no weights; `params` reads the block's parameters off the node's
   * attributes, or returns null to keep the node a generic "ONNX op" block.
   */
  importOp?: { op: string; params(n: Node): Params | null };
}

/** A reference inside an expansion: the composite's input i, or port `port` of a sub-node. */
export type SubRef = { input: number } | { node: string; port: number };

export interface SubNode {
  /** Relative dotted name ('branch2.0.conv'); the full name is `<composite name>.<name>`. */
  name: string;
  type: string;
  params: Params;
  /** Per input port; null marks a port nothing feeds (reported as an unconnected input). */
  inputs: (SubRef | null)[];
}

export interface SubGraph {
  /** In topological order. */
  nodes: SubNode[];
  outputs: SubRef[];
}

export interface CompositeBlock extends BlockCommon {
  kind: 'composite';
  /** Expansion may depend on the input shapes (a residual block adds a projection when they change). */
  expand(inShapes: Shape[], P: Params, env: BlockEnv): SubGraph | Issue[];
  /**
   * Its PyTorch module constructor. Without one, the instance exports as a generated class whose
   * body is built from its children, so any composite exports without code of its own.
   */
  pytorch?: CompositePytorch;
  /** How the ONNX importer recognises an imported module as this block. */
  importPattern?: ImportPattern;
}

/**
 * An imported module (a group of blocks under one name prefix, `layer1.0`) that may be this
 * block. The importer tries `params` on every candidate module and keeps the block only when it
 * expands to exactly the module's primitives (names, parameters, wiring, weight shapes).
 */
export interface ImportPattern {
  /**
   * Names (relative to the module) that all exist in a module of this kind, so the importer
   * groups such modules even without a merge block in them (['conv', 'bn', 'relu']). Omit when
   * the block always contains a merge block (`mergesInputs`), which marks its modules already.
   */
  members?: readonly string[];
  /** Alternatives to `members`: a module holding every name of any one list is grouped. */
  memberSets?: readonly (readonly string[])[];
  /** The block's parameters read off the module's inner nodes, or null when it cannot be one. */
  params(module: GroupDef): Params | null;
}

export type BlockDef = PrimitiveBlock | CompositeBlock;

type PrimitiveInput = Omit<PrimitiveBlock, 'kind' | 'inputPorts' | 'outputPorts' | 'weights' | 'cost' | 'receptive'> &
  Partial<Pick<PrimitiveBlock, 'inputPorts' | 'outputPorts' | 'weights' | 'cost' | 'receptive'>>;

const onePort = (name: string) => () => [name];

/** Declares a primitive block; single input 'x' and output 'y', no weights, no cost by default. */
export function definePrimitive(def: PrimitiveInput): PrimitiveBlock {
  return {
    kind: 'primitive',
    inputPorts: onePort('x'),
    outputPorts: onePort('y'),
    weights: () => [],
    cost: () => ({ macs: 0, otherOps: 0 }),
    receptive: () => 'identity',
    ...def,
  };
}

type CompositeInput = Omit<CompositeBlock, 'kind' | 'inputPorts' | 'outputPorts'> & Partial<Pick<CompositeBlock, 'inputPorts' | 'outputPorts'>>;

export function defineComposite(def: CompositeInput): CompositeBlock {
  return { kind: 'composite', inputPorts: onePort('x'), outputPorts: onePort('y'), ...def };
}

/** Elements in a shape (per sample). */
export function size(s: Shape): number {
  let n = 1;
  for (const d of s) n *= d;
  return n;
}

export const fmt = (s: Shape): string => `N×${s.join('×')}`;
