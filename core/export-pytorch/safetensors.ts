/**
 * Weights as a safetensors file (https://github.com/huggingface/safetensors): an 8-byte
 * little-endian header length, a JSON header {name: {dtype, shape, data_offsets}}, then the raw
 * little-endian tensors. The generated model.py reads it with json + struct + torch.frombuffer
 * (no extra package), and the `safetensors` package reads it as well.
 */
import { PytorchExportError } from './errors';

export interface NamedTensor {
  name: string;
  shape: readonly number[];
  data: Float32Array;
}

function littleEndianBytes(a: Float32Array): Uint8Array {
  const out = new Uint8Array(a.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < a.length; i++) view.setFloat32(i * 4, a[i]!, true);
  return out;
}

export function encodeSafetensors(tensors: readonly NamedTensor[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length)
      throw new PytorchExportError(`weight "${t.name}" has ${t.data.length} values but its shape [${t.shape.join(', ')}] needs ${n}`, t.name);
    header[t.name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + n * 4] };
    offset += n * 4;
  }
  let json = JSON.stringify(header);
  // The data section starts 8-byte aligned (the format allows trailing spaces in the header).
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, head.length, true);
  view.setUint32(4, 0, true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const t of tensors) {
    out.set(littleEndianBytes(t.data), at);
    at += t.data.length * 4;
  }
  return out;
}
