import type { GraphBuilder } from '../../onnx/builder';
import type { DType, Node } from '../../onnx/ir';

/**
 * What a gradient rule may use. Rules emit standard ai.onnx (opset 17) ops into `g`; every value
 * they read from the forward pass (inputs, outputs) is available by name, with its static shape.
 */
export interface GradContext {
  readonly g: GraphBuilder;
  /** Static shape of a forward value (or of a value a rule registered with setShape). */
  shape(value: string): number[];
  dtype(value: string): DType;
  /** Folded constant value of a forward value (small int64 tensors, scalars), if known. */
  constValue(value: string): number[] | undefined;
  /** The node that produces a forward value (undefined for graph inputs and initializers). */
  producer(value: string): Node | undefined;
  /** Deduplicated int64 constant (1-D unless dims given). */
  i64(values: number[], dims?: number[]): string;
  /** Deduplicated float32 constant; a scalar (dims []) when `dims` is omitted and one value is given. */
  f32(values: number[], dims?: number[]): string;
  /** A float32 tensor of zeros with the given shape (an initializer; ORT keeps it shared). */
  zeros(shape: number[]): string;
  /** Sums `grad` (shape `from`) down to the broadcast-compatible shape `to` (ReduceSum + Reshape). */
  unbroadcast(grad: string, from: number[], to: number[]): string;
  /** Records the shape of a value a rule created, so that other rules can ask for it. */
  setShape(value: string, shape: number[], dtype?: DType): void;
  /** Formulation choices for this graph (see GradOptions). */
  readonly options: GradOptions;
}

export interface GradOptions {
  /** Use MaxPool's Indices output for its backward (exact first-max routing). Default true. */
  maxPoolIndices?: boolean;
  /**
   * 2-D max pools of at most 9 positions without dilation (2x2/2, 3x3/2, 3x3/1, padded or not) are
   * differentiated from x and y by strided Slices instead of through Indices, which the forward pool
   * then does not compute. Default true.
   */
  maxPoolSlices?: boolean;
  /**
   * Overlapping or padded pools: slice route or Indices per pool signature (poolSignature), as
   * measured on this machine; pools not listed follow the built-in rule (sliceRouteFits).
   */
  maxPoolRoutes?: Readonly<Record<string, 'slices' | 'indices'>>;
  /** Fan-out accumulation: one Sum node, or a chain of Add (providers without Sum). Default 'sum'. */
  accumulate?: 'sum' | 'add';
  /** Let Conv choose backward formulations by shape (Conv-vs-ConvTranspose, im2col). Default true. */
  convHeuristics?: boolean;
  /** Conv weight-gradient formulation: by shape ('auto'), always the conv trick, or always im2col. */
  convWeightGrad?: 'auto' | 'conv' | 'im2col' | 'undilated';
  /** Strided conv input gradient: ConvTranspose ('auto', measured fastest) or the sub-pixel Conv + DepthToSpace where it applies. */
  convStridedInputGrad?: 'auto' | 'convTranspose' | 'subpixel';
  /** Differentiate batch norm over batch statistics as one unit; fuse the studio's explicit form. Default true. */
  fuseBatchNorm?: boolean;
  /** Slice away conv kernel taps that only ever multiply padding (small maps). Default true. */
  trimConvTaps?: boolean;
  /** Run convs on tiny maps (H*W <= taps) as one dense GEMM over the batch. Default true. */
  denseSmallMaps?: boolean;
}

/**
 * A gradient rule: from dy, the gradient of the node's output 0, returns the gradients of its
 * inputs (undefined where not needed). The engine calls it only when output 0 has a gradient and
 * some differentiable input needs one; `need[i]` is false for inputs that do not lead to a
 * trainable value (or carry no gradient), and rules skip that work. The engine records the shape
 * of each returned gradient (its input's shape).
 */
export type GradRule = (node: Node, dy: string, ctx: GradContext, need: readonly boolean[]) => (string | undefined)[];

/** A rule that reads the gradients of all outputs (undefined where none flows), e.g. Split. */
export type OutputsGradRule = (node: Node, dOut: readonly (string | undefined)[], ctx: GradContext, need: readonly boolean[]) => (string | undefined)[];

/** What a conv weight-gradient formulation reads: the forward conv's input and output gradient, their static shapes, and its window parameters. */
export interface WeightGradInputs {
  x: string;
  dy: string;
  xs: number[];
  ws: number[];
  ys: number[];
  strides: number[];
  dilations: number[];
  pads: number[];
}
