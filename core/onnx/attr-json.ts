/**
 * ONNX attributes and small constant tensors as JSON text, so a generic "ONNX op" block can keep
 * them in its (string) parameters inside a project file and emit them again unchanged.
 */
import type { Attribute, DType, Tensor } from './ir';
import { typedArrayOf } from './typed-array';

export interface TensorJson {
  dtype: DType;
  dims: number[];
  /** int64 values as numbers: these are shapes, axes and indices, far below 2^53. */
  values: number[];
}

export type AttributeJson =
  | { kind: 'int' | 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'ints' | 'floats'; value: number[] }
  | { kind: 'strings'; value: string[] }
  | { kind: 'tensor'; value: TensorJson };

const DTYPES: readonly DType[] = ['float32', 'int64', 'int32', 'uint8', 'int8', 'bool', 'float64', 'float16'];

export function tensorToJson(t: Tensor): TensorJson {
  return { dtype: t.dtype, dims: [...t.dims], values: Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v)) };
}

export function tensorFromJson(name: string, j: TensorJson): Tensor {
  return { name, dtype: j.dtype, dims: [...j.dims], data: typedArrayOf(j.dtype, j.values) };
}

export function attributesToJson(attrs: Record<string, Attribute>): string {
  const out: Record<string, AttributeJson> = {};
  for (const [k, a] of Object.entries(attrs)) out[k] = a.kind === 'tensor' ? { kind: 'tensor', value: tensorToJson(a.value) } : a;
  return JSON.stringify(out);
}

function isNumList(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'number');
}

function isTensorJson(v: unknown): v is TensorJson {
  const t = v as TensorJson;
  return typeof v === 'object' && v !== null && DTYPES.includes(t.dtype) && isNumList(t.dims) && isNumList(t.values);
}

/** Parses what attributesToJson wrote; throws a plain Error naming the bad attribute. */
export function attributesFromJson(text: string): Record<string, Attribute> {
  const raw = JSON.parse(text === '' ? '{}' : text) as unknown;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('attributes must be a JSON object');
  const out: Record<string, Attribute> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    const a = v as { kind?: unknown; value?: unknown };
    const bad = () => new Error(`attribute "${k}" is malformed`);
    switch (a.kind) {
      case 'int':
      case 'float':
        if (typeof a.value !== 'number') throw bad();
        out[k] = { kind: a.kind, value: a.value };
        break;
      case 'string':
        if (typeof a.value !== 'string') throw bad();
        out[k] = { kind: 'string', value: a.value };
        break;
      case 'ints':
      case 'floats':
        if (!isNumList(a.value)) throw bad();
        out[k] = { kind: a.kind, value: a.value };
        break;
      case 'strings':
        if (!Array.isArray(a.value) || !a.value.every((s) => typeof s === 'string')) throw bad();
        out[k] = { kind: 'strings', value: a.value as string[] };
        break;
      case 'tensor':
        if (!isTensorJson(a.value)) throw bad();
        out[k] = { kind: 'tensor', value: tensorFromJson(k, a.value) };
        break;
      default:
        throw bad();
    }
  }
  return out;
}
