/**
 * Reads a weights file the person names (or the download): a PyTorch state_dict (.pth/.pt/.bin,
 * zip or legacy format), a .safetensors file, or a studio checkpoint (.ckpt), as named tensors,
 * and maps them onto a model by name (core/pretrained/map-weights).
 */
import path from 'node:path';
import { mapStateDict, WeightsMismatchError, type ModelWeight } from '../../core/pretrained/map-weights';
import { PickleError } from '../../core/pretrained/pickle';
import { readSafetensors } from '../../core/pretrained/safetensors-read';
import { readTorchStateDict, WeightsFormatError, type NamedArray } from '../../core/pretrained/torch-pth';
import { ZipError } from '../../core/pretrained/zip';
import { FileReadError, readRegularFile } from '../fs/read-regular-file';
import { CheckpointError, decodeCheckpoint, MAX_CHECKPOINT_BYTES } from '../trainer/checkpoint';

/** Anything wrong with a weights file, in one sentence that starts with the file's path. */
export class WeightsFileError extends Error {
  override readonly name = 'WeightsFileError';
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}

const CHECKPOINT_MAGIC = 'CNNSCKP1';

function kindOf(file: string, bytes: Uint8Array): 'checkpoint' | 'safetensors' | 'torch' {
  if (new TextDecoder().decode(bytes.subarray(0, 8)) === CHECKPOINT_MAGIC) return 'checkpoint';
  if (path.extname(file).toLowerCase() === '.safetensors') return 'safetensors';
  return 'torch';
}

/** A checkpoint keeps shapes in its header but hands back flat arrays: `flat` marks them. */
function checkpointTensors(file: string, bytes: Uint8Array): Map<string, NamedArray> {
  const c = decodeCheckpoint(bytes, file);
  const out = new Map<string, NamedArray>();
  for (const [k, v] of [...c.weights, ...c.running]) out.set(k, { shape: [v.length], data: v });
  return out;
}

/** The file's named tensors. Throws WeightsFileError naming the file and what is wrong. */
export async function readWeightsFile(file: string): Promise<{ tensors: Map<string, NamedArray>; flat: boolean }> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readRegularFile(file, { limit: MAX_CHECKPOINT_BYTES, what: 'a weights file (.pth, .safetensors or .ckpt)' }));
  } catch (e) {
    if (e instanceof FileReadError) throw new WeightsFileError(file, e.message.startsWith(file) ? e.message.slice(file.length + 2) : e.message);
    throw e;
  }
  try {
    const kind = kindOf(file, bytes);
    if (kind === 'checkpoint') return { tensors: checkpointTensors(file, bytes), flat: true };
    return { tensors: kind === 'safetensors' ? readSafetensors(bytes) : readTorchStateDict(bytes), flat: false };
  } catch (e) {
    if (e instanceof PickleError || e instanceof WeightsFormatError || e instanceof ZipError) throw new WeightsFileError(file, e.message);
    if (e instanceof CheckpointError) throw new WeightsFileError(file, e.message.replace(`${file}: `, ''));
    throw e;
  }
}

/** The file's tensors for every weight of `model`, or a WeightsFileError listing what does not match. */
export async function loadWeightsFor(file: string, model: readonly ModelWeight[]): Promise<{ weights: Map<string, Float32Array>; skipped: number }> {
  const { tensors, flat } = await readWeightsFile(file);
  // A checkpoint's arrays are flat: compare element counts by giving them the model's shape when they fit.
  if (flat) {
    for (const w of model) {
      const t = tensors.get(w.name);
      if (t && t.data.length === w.shape.reduce((a, b) => a * b, 1)) t.shape = [...w.shape];
    }
  }
  try {
    return mapStateDict(model, tensors);
  } catch (e) {
    if (e instanceof WeightsMismatchError) throw new WeightsFileError(file, e.message);
    throw e;
  }
}
