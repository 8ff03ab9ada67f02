/** Numbers (JSON values, protobuf's repeated fields) as the typed array an ONNX tensor of `dtype` holds. */
import type { DType, TensorArray } from './ir';

/** float16 stays as its raw bits (Uint16Array), bool as 0/1 bytes; int64 values are truncated to integers first. */
export function typedArrayOf(dtype: DType, values: ArrayLike<number>): TensorArray {
  switch (dtype) {
    case 'float32':
      return Float32Array.from(values);
    case 'float64':
      return Float64Array.from(values);
    case 'float16':
      return Uint16Array.from(values);
    case 'int64':
      return BigInt64Array.from(Array.from(values, (v) => BigInt(Math.trunc(v))));
    case 'int32':
      return Int32Array.from(values);
    case 'int8':
      return Int8Array.from(values);
    case 'uint8':
    case 'bool':
      return Uint8Array.from(values);
  }
}
