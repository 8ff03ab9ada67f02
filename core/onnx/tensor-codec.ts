/**
 * TensorProto <-> IR Tensor. Encoding always writes raw_data (little-endian bytes), which every
 * runtime reads and which is far smaller and faster than the repeated numeric fields. Decoding
 * accepts raw_data, the typed repeated fields and (through a caller-supplied resolver) external
 * data, and checks the declared size against the bytes actually present BEFORE allocating, so a
 * file that declares a 10^12-element tensor costs nothing.
 */
import type { DType, Tensor, TensorArray } from './ir';
import type { onnx } from 'onnx-proto';
import { OnnxFormatError } from './errors';
import { int64ToBigInt, int64ToNumber, toLongBits } from './int64';
import { typedArrayOf } from './typed-array';

/** ONNX TensorProto.DataType codes of the element types the IR holds. */
export const DTYPE_CODE: Record<DType, number> = {
  float32: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  float64: 11,
};

const CODE_DTYPE = new Map<number, DType>(Object.entries(DTYPE_CODE).map(([k, v]) => [v, k as DType]));

const ONNX_TYPE_NAMES: Record<number, string> = {
  0: 'UNDEFINED',
  1: 'FLOAT',
  2: 'UINT8',
  3: 'INT8',
  4: 'UINT16',
  5: 'INT16',
  6: 'INT32',
  7: 'INT64',
  8: 'STRING',
  9: 'BOOL',
  10: 'FLOAT16',
  11: 'DOUBLE',
  12: 'UINT32',
  13: 'UINT64',
  14: 'COMPLEX64',
  15: 'COMPLEX128',
  16: 'BFLOAT16',
};

export const ELEMENT_BYTES: Record<DType, number> = {
  float32: 4,
  uint8: 1,
  int8: 1,
  int32: 4,
  int64: 8,
  bool: 1,
  float16: 2,
  float64: 8,
};

/**
 * Upper bound on one tensor's element count. Far above any CNN weight (ResNet-152's largest is
 * ~2.4M) yet small enough that an accidental allocation cannot take the process down.
 */
export const MAX_TENSOR_ELEMENTS = 2 ** 30;

export function onnxTypeName(code: number): string {
  return ONNX_TYPE_NAMES[code] ?? `type ${code}`;
}

export function dtypeFromCode(code: number, what: string): DType {
  const d = CODE_DTYPE.get(code);
  if (!d) throw new OnnxFormatError('unsupported', `${what} has element type ${onnxTypeName(code)}, which the studio does not support`);
  return d;
}

/** Checks dims are sane and returns their product, refusing absurd sizes without allocating. */
export function checkedElementCount(dims: readonly number[], what: string): number {
  let n = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw new OnnxFormatError('bad-tensor', `${what} has an invalid dimension ${d} in shape [${dims.join(', ')}]`);
    n *= d;
    if (n > MAX_TENSOR_ELEMENTS) {
      throw new OnnxFormatError('bad-tensor', `${what} declares shape [${dims.join(', ')}], more than ${MAX_TENSOR_ELEMENTS} elements`);
    }
  }
  return n;
}

export function bytesOf(data: TensorArray): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** A copy in a fresh (hence aligned) buffer, viewed as the dtype's typed array. */
export function typedFromBytes(dtype: DType, bytes: Uint8Array, count: number): TensorArray {
  const copy = new Uint8Array(count * ELEMENT_BYTES[dtype]);
  copy.set(bytes.subarray(0, copy.length));
  const b = copy.buffer;
  switch (dtype) {
    case 'float32':
      return new Float32Array(b);
    case 'float64':
      return new Float64Array(b);
    case 'float16':
      return new Uint16Array(b);
    case 'int64':
      return new BigInt64Array(b);
    case 'int32':
      return new Int32Array(b);
    case 'int8':
      return new Int8Array(b);
    case 'uint8':
    case 'bool':
      return copy;
  }
}

export function encodeTensor(t: Tensor): onnx.ITensorProto {
  const count = t.dims.reduce((a, d) => a * d, 1);
  if (t.data.length !== count) {
    throw new Error(`tensor "${t.name}": ${t.data.length} values for shape [${t.dims.join(', ')}]`);
  }
  return {
    name: t.name,
    dims: t.dims.map((d) => toLongBits(d)) as unknown as number[],
    dataType: DTYPE_CODE[t.dtype],
    rawData: bytesOf(t.data),
  };
}

export interface ExternalDataRef {
  /** The tensor that lives outside the model file. */
  tensor: string;
  /** Path relative to the model file, as written in the model (not trusted). */
  location: string;
  offset: number;
  /** Bytes to read; undefined means "to the end of the file". */
  length: number | undefined;
}

/** Returns the referenced bytes; throws (an OnnxFormatError, ideally) when it cannot. */
export type ExternalDataResolver = (ref: ExternalDataRef) => Uint8Array;

export interface TensorDecodeContext {
  externalData?: ExternalDataResolver;
  /** Filled with every external reference met, so a caller without a resolver can list them. */
  externalRefs: ExternalDataRef[];
}

function externalRef(tp: onnx.ITensorProto, name: string): ExternalDataRef {
  const kv = new Map<string, string>();
  for (const e of tp.externalData ?? []) kv.set(e.key ?? '', e.value ?? '');
  const location = kv.get('location') ?? '';
  if (location === '') throw new OnnxFormatError('external-data', `tensor "${name}" is stored externally but names no file (no "location")`);
  const num = (key: string): number | undefined => {
    const s = kv.get(key);
    if (s === undefined) return undefined;
    const v = Number(s);
    if (!Number.isSafeInteger(v) || v < 0) throw new OnnxFormatError('external-data', `tensor "${name}": external ${key} "${s}" is not a valid byte count`);
    return v;
  };
  return { tensor: name, location, offset: num('offset') ?? 0, length: num('length') };
}

/** Which repeated field ONNX uses for each element type when raw_data is absent. */
function typedField(tp: onnx.ITensorProto, dtype: DType): ArrayLike<unknown> | null | undefined {
  switch (dtype) {
    case 'float32':
      return tp.floatData;
    case 'float64':
      return tp.doubleData;
    case 'int64':
      return tp.int64Data;
    default:
      return tp.int32Data;
  }
}

export function decodeTensor(tp: onnx.ITensorProto, ctx: TensorDecodeContext, fallbackName = 'tensor'): Tensor {
  const name = tp.name || fallbackName;
  const what = `tensor "${name}"`;
  if (tp.segment) throw new OnnxFormatError('unsupported', `${what} is segmented, which the studio does not support`);
  const dtype = dtypeFromCode(tp.dataType ?? 0, what);
  const dims = (tp.dims ?? []).map(int64ToNumber);
  const count = checkedElementCount(dims, what);
  const need = count * ELEMENT_BYTES[dtype];

  if (tp.dataLocation === 1) {
    const ref = externalRef(tp, name);
    ctx.externalRefs.push(ref);
    if (ref.length !== undefined && ref.length !== need) {
      throw new OnnxFormatError('external-data', `${what}: external data length ${ref.length} does not match shape [${dims.join(', ')}] (${need} bytes)`);
    }
    if (!ctx.externalData) return { name, dtype, dims, data: typedFromBytes(dtype, new Uint8Array(0), 0) };
    const bytes = ctx.externalData({ ...ref, length: ref.length ?? need });
    if (bytes.byteLength !== need) {
      throw new OnnxFormatError('external-data', `${what}: "${ref.location}" supplied ${bytes.byteLength} bytes, shape [${dims.join(', ')}] needs ${need}`);
    }
    return { name, dtype, dims, data: typedFromBytes(dtype, bytes, count) };
  }

  const raw = tp.rawData;
  if (raw && raw.byteLength > 0) {
    if (raw.byteLength !== need) {
      throw new OnnxFormatError('bad-tensor', `${what} has ${raw.byteLength} bytes of data, shape [${dims.join(', ')}] of ${dtype} needs ${need}`);
    }
    return { name, dtype, dims, data: typedFromBytes(dtype, raw, count) };
  }
  const field = typedField(tp, dtype);
  const have = field?.length ?? 0;
  if (have !== count) {
    throw new OnnxFormatError('bad-tensor', `${what} has ${have} values, shape [${dims.join(', ')}] needs ${count}`);
  }
  if (count === 0) return { name, dtype, dims, data: typedFromBytes(dtype, new Uint8Array(0), 0) };
  if (dtype === 'int64') {
    const out = new BigInt64Array(count);
    for (let i = 0; i < count; i++) out[i] = int64ToBigInt(field![i]);
    return { name, dtype, dims, data: out };
  }
  return { name, dtype, dims, data: typedArrayOf(dtype, field as ArrayLike<number>) };
}
