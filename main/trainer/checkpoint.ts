/**
 * Checkpoint file: everything needed to continue a run exactly where it stopped.
 *
 *   bytes 0..7    magic "CNNSCKP1"
 *   bytes 8..11   header length H (uint32, little-endian)
 *   bytes 12..    header: UTF-8 JSON (CheckpointHeader), padded with spaces to a multiple of 4
 *   then          tensor data: float32 little-endian, each tensor at header.tensors[i].offset
 *                 (bytes from the start of the data section), back to back
 *
 * header.sha256 (hex) is SHA-256 over the header's JSON without that field, then the data section:
 * a flipped bit anywhere after the length word is found on load. Files written before it existed
 * have no sha256 and load unchecked.
 *
 * Float32 blobs are written as the platform's Float32Array bytes; every platform onnxruntime-node
 * ships for is little-endian, and the reader refuses a big-endian host rather than misread.
 * The file is written with atomicWrite (temp + fsync + rename): a crash leaves the previous one.
 */
import buffer from 'node:buffer';
import { createHash } from 'node:crypto';
import os from 'node:os';
import { atomicWrite } from '../fs/atomic-write';
import { FileReadError, readRegularFile } from '../fs/read-regular-file';

const MAGIC = 'CNNSCKP1';
export const CHECKPOINT_FORMAT = 'cnn-studio-checkpoint';
export const CHECKPOINT_VERSION = 1;

export type TensorGroup = 'weight' | 'running' | 'optimizer';

export interface TensorEntry {
  name: string;
  group: TensorGroup;
  shape: number[];
  /** bytes from the start of the data section */
  offset: number;
  /** float32 elements */
  length: number;
}

export interface CheckpointState {
  /** completed epochs */
  epoch: number;
  /** optimizer steps taken (Adam's bias correction counts from this) */
  step: number;
  seed: number;
  /**
   * The data order and augmentation of epoch e come from RNGs seeded by (seed, e) (main/data/loader),
   * dropout masks from (seed, e, step): continuing at `epoch + 1` needs no other RNG state.
   */
  rng: { kind: 'seeded-per-epoch'; seed: number; nextEpoch: number };
  bestEpoch: number;
  bestValAccuracy: number | null;
  /** epochs since the best one (early stopping) */
  epochsWithoutImprovement: number;
  optimizer: string;
}

export interface CheckpointHeader extends CheckpointState {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  createdAt: string;
  tensors: TensorEntry[];
  /** SHA-256 (hex) of JSON.stringify(header without sha256) followed by the data section. */
  sha256?: string;
}

export interface Checkpoint extends CheckpointState {
  weights: Map<string, Float32Array>;
  running: Map<string, Float32Array>;
  optimizerState: Map<string, Float32Array>;
}

export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}

export function encodeCheckpoint(c: Checkpoint, shapes: ReadonlyMap<string, number[]>): Uint8Array {
  const tensors: TensorEntry[] = [];
  const blobs: Float32Array[] = [];
  let offset = 0;
  const add = (group: TensorGroup, m: Map<string, Float32Array>): void => {
    for (const [name, data] of m) {
      const shape = shapes.get(name) ?? [data.length];
      tensors.push({ name, group, shape, offset, length: data.length });
      blobs.push(data);
      offset += data.length * 4;
    }
  };
  add('weight', c.weights);
  add('running', c.running);
  add('optimizer', c.optimizerState);
  const header: CheckpointHeader = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    createdAt: new Date().toISOString(),
    epoch: c.epoch,
    step: c.step,
    seed: c.seed,
    rng: c.rng,
    bestEpoch: c.bestEpoch,
    bestValAccuracy: c.bestValAccuracy,
    epochsWithoutImprovement: c.epochsWithoutImprovement,
    optimizer: c.optimizer,
    tensors,
  };
  const blobBytes = blobs.map((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
  header.sha256 = checksum(JSON.stringify(header), blobBytes);
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  const pad = (4 - ((12 + json.length) % 4)) % 4;
  if (pad) json = Buffer.concat([json, Buffer.alloc(pad, 0x20)]);
  const out = new Uint8Array(12 + json.length + offset);
  out.set(Buffer.from(MAGIC, 'latin1'), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  const data = 12 + json.length;
  tensors.forEach((t, i) => out.set(blobBytes[i]!, data + t.offset));
  return out;
}

/** The checkpoint's checksum: header JSON (without sha256), then the data bytes in order. */
function checksum(headerJson: string, data: readonly Uint8Array[]): string {
  const h = createHash('sha256').update(headerJson, 'utf8');
  for (const d of data) h.update(d);
  return h.digest('hex');
}

export function decodeCheckpoint(bytes: Uint8Array, file = 'checkpoint'): Checkpoint {
  if (os.endianness() !== 'LE') throw new CheckpointError(file, 'checkpoints are little-endian; this machine is big-endian');
  if (bytes.length < 12 || Buffer.from(bytes.subarray(0, 8)).toString('latin1') !== MAGIC)
    throw new CheckpointError(file, 'is not a CNN Studio checkpoint (it does not start with "CNNSCKP1")');
  const hlen = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (12 + hlen > bytes.length)
    throw new CheckpointError(file, `the header is cut short: it should be ${hlen} bytes, the file has ${bytes.length - 12} after the length word`);
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes.subarray(12, 12 + hlen)).toString('utf8'));
  } catch {
    throw new CheckpointError(file, 'the header is damaged (it is not valid JSON); the file cannot be used');
  }
  const header = checkHeader(raw, file);
  const data = 12 + hlen;
  const dataBytes = bytes.subarray(data);
  for (const t of header.tensors) {
    const end = t.offset + t.length * 4;
    if (end > dataBytes.length)
      throw new CheckpointError(file, `tensor "${t.name}" is truncated: it ends at byte ${data + end}, the file at byte ${bytes.length}`);
  }
  if (header.sha256 !== undefined) {
    const { sha256, ...rest } = header;
    if (checksum(JSON.stringify(rest), [dataBytes]) !== sha256) {
      throw new CheckpointError(file, 'is damaged: its SHA-256 checksum does not match its contents (a changed or corrupted byte); the file cannot be used');
    }
  }
  const c: Checkpoint = {
    epoch: header.epoch,
    step: header.step,
    seed: header.seed,
    rng: header.rng,
    bestEpoch: header.bestEpoch,
    bestValAccuracy: header.bestValAccuracy,
    epochsWithoutImprovement: header.epochsWithoutImprovement,
    optimizer: header.optimizer,
    weights: new Map(),
    running: new Map(),
    optimizerState: new Map(),
  };
  for (const t of header.tensors) {
    const start = data + t.offset;
    // Copy: the file buffer may not be 4-byte aligned, and callers own their arrays.
    const arr = new Float32Array(t.length);
    new Uint8Array(arr.buffer).set(bytes.subarray(start, start + t.length * 4));
    const target = t.group === 'weight' ? c.weights : t.group === 'running' ? c.running : c.optimizerState;
    target.set(t.name, arr);
  }
  return c;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const GROUPS: readonly string[] = ['weight', 'running', 'optimizer'];

/**
 * The header's fields, checked one by one so a damaged header is named in a sentence (never
 * "header.tensors is not iterable"). Fields an old file may lack are not required here.
 */
function checkHeader(raw: unknown, file: string): CheckpointHeader {
  const bad = (what: string): never => {
    throw new CheckpointError(file, `the header is damaged: ${what}`);
  };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return bad('it is not a JSON object');
  const h = raw as Record<string, unknown>;
  if (h.format !== CHECKPOINT_FORMAT) return bad(`its format is ${JSON.stringify(h.format) ?? 'missing'}, not "${CHECKPOINT_FORMAT}"`);
  if (!isCount(h.version)) return bad('its version is not a whole number');
  if (h.version > CHECKPOINT_VERSION)
    throw new CheckpointError(file, `is version ${h.version}, newer than this CNN Studio reads (${CHECKPOINT_VERSION}); update CNN Studio`);
  for (const k of ['epoch', 'step'] as const) if (!isCount(h[k])) bad(`its ${k} count is not a whole number`);
  if (h.sha256 !== undefined && typeof h.sha256 !== 'string') bad('its checksum is not text');
  if (!Array.isArray(h.tensors)) return bad('it has no list of tensors');
  h.tensors.forEach((t: unknown, i: number) => {
    const e = (t ?? {}) as Record<string, unknown>;
    const which = typeof e.name === 'string' ? `tensor "${e.name}"` : `tensor ${i + 1}`;
    if (typeof e.name !== 'string' || e.name === '') bad(`${which} has no name`);
    if (typeof e.group !== 'string' || !GROUPS.includes(e.group)) bad(`${which} has an unknown group ${JSON.stringify(e.group) ?? '(none)'}`);
    if (!isCount(e.offset) || e.offset % 4 !== 0) bad(`${which} has an invalid offset`);
    if (!isCount(e.length)) bad(`${which} has an invalid length`);
  });
  return raw as CheckpointHeader;
}

export async function writeCheckpoint(file: string, c: Checkpoint, shapes: ReadonlyMap<string, number[]>): Promise<number> {
  return atomicWrite(file, encodeCheckpoint(c, shapes));
}

/** The largest checkpoint read: one Buffer's limit (ResNet-152 with Adam state is about 0.7 GB). */
export const MAX_CHECKPOINT_BYTES = buffer.constants.MAX_LENGTH - 1;

export async function readCheckpoint(file: string): Promise<Checkpoint> {
  let bytes: Buffer;
  try {
    bytes = await readRegularFile(file, { limit: MAX_CHECKPOINT_BYTES, what: 'a checkpoint' });
  } catch (e) {
    if (e instanceof FileReadError) throw new CheckpointError(file, e.problem);
    throw e;
  }
  return decodeCheckpoint(bytes, file);
}
