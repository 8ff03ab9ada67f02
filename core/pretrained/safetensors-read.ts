/**
 * Reads a .safetensors file (the writer is core/export-pytorch/safetensors.ts): an 8-byte
 * little-endian header length N, N bytes of JSON {name: {dtype, shape, data_offsets: [begin, end]}}
 * (offsets from the end of the header), then the tensors. Float and integer dtypes come back as
 * float32; `__metadata__` is skipped.
 */
import { bfloat16ToFloat, halfToFloat, WeightsFormatError, type NamedArray } from './torch-pth';

const DTYPES: Record<string, { bytes: number; read: (v: DataView, at: number) => number }> = {
  F32: { bytes: 4, read: (v, at) => v.getFloat32(at, true) },
  F64: { bytes: 8, read: (v, at) => v.getFloat64(at, true) },
  F16: { bytes: 2, read: (v, at) => halfToFloat(v.getUint16(at, true)) },
  BF16: { bytes: 2, read: (v, at) => bfloat16ToFloat(v.getUint16(at, true)) },
  I64: { bytes: 8, read: (v, at) => Number(v.getBigInt64(at, true)) },
  I32: { bytes: 4, read: (v, at) => v.getInt32(at, true) },
  I16: { bytes: 2, read: (v, at) => v.getInt16(at, true) },
  I8: { bytes: 1, read: (v, at) => v.getInt8(at) },
  U8: { bytes: 1, read: (v, at) => v.getUint8(at) },
  BOOL: { bytes: 1, read: (v, at) => (v.getUint8(at) ? 1 : 0) },
};

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

function parseHeader(bytes: Uint8Array): { header: Record<string, unknown>; dataAt: number } {
  if (bytes.length < 8) throw new WeightsFormatError('too short to be a safetensors file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (n > bytes.length - 8 || n > 100 * 1024 * 1024) throw new WeightsFormatError(`not a safetensors file: its header length (${n} bytes) exceeds the file`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  } catch {
    throw new WeightsFormatError('not a safetensors file: its header is not JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    throw new WeightsFormatError('not a safetensors file: its header is not a JSON object');
  return { header: header as Record<string, unknown>, dataAt: 8 + n };
}

function entry(name: string, v: unknown): HeaderEntry {
  const e = v as Partial<HeaderEntry> | null;
  const okShape = Array.isArray(e?.shape) && e.shape.every((d) => Number.isInteger(d) && d >= 0);
  const okOffsets = Array.isArray(e?.data_offsets) && e.data_offsets.length === 2 && e.data_offsets.every((d) => Number.isInteger(d) && d >= 0);
  if (!e || typeof e.dtype !== 'string' || !okShape || !okOffsets)
    throw new WeightsFormatError(`safetensors entry "${name}" lacks a dtype, shape or data_offsets`);
  return e as HeaderEntry;
}

export function readSafetensors(bytes: Uint8Array): Map<string, NamedArray> {
  const { header, dataAt } = parseHeader(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Map<string, NamedArray>();
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const e = entry(name, raw);
    const spec = DTYPES[e.dtype];
    if (!spec)
      throw new WeightsFormatError(
        `safetensors entry "${name}" has dtype ${e.dtype}, which the studio cannot read (it reads ${Object.keys(DTYPES).join(', ')})`,
      );
    const n = e.shape.reduce((a, b) => a * b, 1);
    const [begin, end] = e.data_offsets;
    if (end - begin !== n * spec.bytes || dataAt + end > bytes.length)
      throw new WeightsFormatError(`safetensors entry "${name}": its byte range does not hold ${n} ${e.dtype} values (the file is damaged or truncated)`);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = spec.read(view, dataAt + begin + i * spec.bytes);
    out.set(name, { shape: [...e.shape], data });
  }
  if (out.size === 0) throw new WeightsFormatError('the safetensors file holds no tensors');
  return out;
}
