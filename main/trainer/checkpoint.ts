/**
 * Checkpoint file: everything needed to continue a run exactly where it stopped.
 *
 *   bytes 0..7    magic "CNNSCKP1"
 *   bytes 8..11   header length H (uint32, little-endian)
 *   bytes 12..    header: UTF-8 JSON (CheckpointHeader), padded with spaces to a multiple of 4
 *   then          tensor data: float32 little-endian, each tensor at header.tensors[i].offset
 *                 (bytes from the start of the data section), back to back
 *
 * Float32 blobs are written as the platform's Float32Array bytes; every platform onnxruntime-node
 * ships for is little-endian, and the reader refuses a big-endian host rather than misread.
 * The file is written with atomicWrite (temp + fsync + rename): a crash leaves the previous one.
 */
import buffer from 'node:buffer';
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
}

export interface Checkpoint extends CheckpointState {
  weights: Map<string, Float32Array>;
  running: Map<string, Float32Array>;
  optimizerState: Map<string, Float32Array>;
}

export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  constructor(readonly file: string, message: string) {
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
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  const pad = (4 - ((12 + json.length) % 4)) % 4;
  if (pad) json = Buffer.concat([json, Buffer.alloc(pad, 0x20)]);
  const out = new Uint8Array(12 + json.length + offset);
  out.set(Buffer.from(MAGIC, 'latin1'), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  const data = 12 + json.length;
  tensors.forEach((t, i) => out.set(new Uint8Array(blobs[i]!.buffer, blobs[i]!.byteOffset, blobs[i]!.byteLength), data + t.offset));
  return out;
}

export function decodeCheckpoint(bytes: Uint8Array, file = 'checkpoint'): Checkpoint {
  if (os.endianness() !== 'LE') throw new CheckpointError(file, 'checkpoints are little-endian; this machine is big-endian');
  if (bytes.length < 12 || Buffer.from(bytes.subarray(0, 8)).toString('latin1') !== MAGIC) throw new CheckpointError(file, 'not a CNN Studio checkpoint (bad magic)');
  const hlen = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (12 + hlen > bytes.length) throw new CheckpointError(file, 'header is truncated');
  let header: CheckpointHeader;
  try {
    header = JSON.parse(Buffer.from(bytes.subarray(12, 12 + hlen)).toString('utf8')) as CheckpointHeader;
  } catch (e) {
    throw new CheckpointError(file, `header is not valid JSON: ${(e as Error).message}`);
  }
  if (header.format !== CHECKPOINT_FORMAT) throw new CheckpointError(file, `format is "${String(header.format)}", expected "${CHECKPOINT_FORMAT}"`);
  if (header.version > CHECKPOINT_VERSION) throw new CheckpointError(file, `version ${header.version} is newer than this CNN Studio reads (${CHECKPOINT_VERSION})`);
  const data = 12 + hlen;
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
    const end = start + t.length * 4;
    if (end > bytes.length) throw new CheckpointError(file, `tensor "${t.name}" is truncated (the file ends at byte ${bytes.length}, the tensor at ${end})`);
    // Copy: the file buffer may not be 4-byte aligned, and callers own their arrays.
    const arr = new Float32Array(t.length);
    new Uint8Array(arr.buffer).set(bytes.subarray(start, end));
    const target = t.group === 'weight' ? c.weights : t.group === 'running' ? c.running : c.optimizerState;
    target.set(t.name, arr);
  }
  return c;
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
