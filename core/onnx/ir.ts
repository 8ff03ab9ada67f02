/**
 * In-memory ONNX model: the one representation every part of core/ builds, transforms and
 * encodes. It mirrors ModelProto closely enough that encode/decode is a field-by-field copy, but
 * uses plain TypeScript values so builders, the autodiff engine and the importer need no protobuf.
 */

export type DType = 'float32' | 'int64' | 'int32' | 'uint8' | 'int8' | 'bool' | 'float64' | 'float16';

/** Typed array per element type. int64 is held as BigInt64Array so no value is rounded. */
export interface TypedArrayOf {
  float32: Float32Array;
  float64: Float64Array;
  float16: Uint16Array;
  int64: BigInt64Array;
  int32: Int32Array;
  int8: Int8Array;
  uint8: Uint8Array;
  bool: Uint8Array;
}

export type TensorArray = TypedArrayOf[DType];

export interface Tensor {
  name: string;
  dtype: DType;
  dims: number[];
  data: TensorArray;
}

export type Attribute =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'ints'; value: number[] }
  | { kind: 'floats'; value: number[] }
  | { kind: 'strings'; value: string[] }
  | { kind: 'tensor'; value: Tensor };

export interface Node {
  name: string;
  opType: string;
  /** '' (or absent) is the default ai.onnx domain. */
  domain?: string;
  /** '' marks an omitted optional input, as in ONNX. */
  inputs: string[];
  outputs: string[];
  attributes: Record<string, Attribute>;
  docString?: string;
}

/** A dimension is a number, or a symbolic name such as 'batch'. */
export type Dim = number | string;

export interface ValueInfo {
  name: string;
  dtype: DType;
  shape: Dim[];
  /** false when the file declares no shape at all (rank unknown); encoding then omits it. */
  shapeKnown?: boolean;
}

export interface Graph {
  name: string;
  nodes: Node[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  initializers: Tensor[];
  valueInfo: ValueInfo[];
}

export interface OpsetImport {
  domain: string;
  version: number;
}

export interface Model {
  irVersion: number;
  opsetImports: OpsetImport[];
  producerName: string;
  producerVersion: string;
  graph: Graph;
  metadata: Record<string, string>;
  docString?: string;
}

export function elementCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}
