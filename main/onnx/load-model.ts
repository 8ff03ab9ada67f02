/**
 * Reads an .onnx file from disk into the IR: size checks, external-data tensors resolved next to
 * the model (and only there), decode and structural validation. Every refusal is an
 * OnnxFormatError whose message starts with the file's path.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { OnnxFormatError } from '../../core/onnx/errors';
import type { Model } from '../../core/onnx/ir';
import { decodeModel, type ExternalDataRef } from '../../core/onnx/proto';
import { FileReadError, readRegularFile } from '../fs/read-regular-file';

/** Protobuf's own limit for one message; bigger files cannot be valid ModelProtos. */
export const MAX_MODEL_BYTES = 2 ** 31 - 1;

export interface LoadedOnnxModel {
  path: string;
  model: Model;
  /** Size of the .onnx file itself. */
  bytes: number;
  /** External data files that were read (absolute paths), if any. */
  externalFiles: string[];
}

function withPath(file: string, e: unknown): Error {
  if (e instanceof OnnxFormatError) return new OnnxFormatError(e.code, `${file}: ${e.message}`);
  return e instanceof Error ? e : new Error(String(e));
}

function isInside(dir: string, p: string): boolean {
  const rel = path.relative(dir, p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * Resolves external-data locations relative to the model's folder. A location that is absolute,
 * climbs out with "..", or is a symlink pointing outside the folder is refused: a model file
 * must not be able to make the studio read arbitrary files.
 */
export class ExternalDataReader {
  private readonly realDir: string;
  private readonly sizes = new Map<string, number>();
  readonly files = new Set<string>();

  constructor(readonly modelDir: string) {
    this.realDir = realpathSync(modelDir);
  }

  private locate(ref: ExternalDataRef): string {
    const loc = ref.location;
    if (loc.includes('\0')) throw new OnnxFormatError('external-data', `tensor "${ref.tensor}": external data location contains a NUL byte`);
    if (path.isAbsolute(loc) || path.win32.isAbsolute(loc)) {
      throw new OnnxFormatError(
        'external-data',
        `tensor "${ref.tensor}": external data location "${loc}" is absolute; only files inside the model's folder are read`,
      );
    }
    const resolved = path.resolve(this.modelDir, loc);
    if (!isInside(path.resolve(this.modelDir), resolved)) {
      throw new OnnxFormatError('external-data', `tensor "${ref.tensor}": external data location "${loc}" points outside the model's folder`);
    }
    let real: string;
    try {
      real = realpathSync(resolved);
    } catch {
      throw new OnnxFormatError('external-data', `tensor "${ref.tensor}": external data file "${loc}" does not exist next to the model`);
    }
    if (!isInside(this.realDir, real)) {
      throw new OnnxFormatError('external-data', `tensor "${ref.tensor}": external data file "${loc}" links outside the model's folder`);
    }
    return real;
  }

  read(ref: ExternalDataRef): Uint8Array {
    try {
      return this.readChecked(ref);
    } catch (e) {
      if (e instanceof OnnxFormatError) throw e;
      const msg = e instanceof Error ? e.message : String(e);
      throw new OnnxFormatError('external-data', `tensor "${ref.tensor}": cannot read external data "${ref.location}" (${msg})`);
    }
  }

  private readChecked(ref: ExternalDataRef): Uint8Array {
    const file = this.locate(ref);
    // Opened without blocking and checked on the descriptor (fstat): a FIFO or device named as
    // external data is refused, never waited on or read without end.
    const fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    try {
      let size = this.sizes.get(file);
      if (size === undefined) {
        const st = fstatSync(fd);
        if (!st.isFile()) throw new OnnxFormatError('external-data', `tensor "${ref.tensor}": external data "${ref.location}" is not a regular file`);
        size = st.size;
        this.sizes.set(file, size);
      }
      const length = ref.length ?? size - ref.offset;
      // Checked against the real file size before allocating: the model's numbers are not trusted.
      if (ref.offset > size || length < 0 || ref.offset + length > size) {
        throw new OnnxFormatError(
          'external-data',
          `tensor "${ref.tensor}": external data "${ref.location}" has ${size} bytes, the model asks for ${length} at offset ${ref.offset}`,
        );
      }
      const buf = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const n = readSync(fd, buf, done, length - done, ref.offset + done);
        if (n === 0) break;
        done += n;
      }
      if (done !== length) throw new OnnxFormatError('external-data', `tensor "${ref.tensor}": "${ref.location}" ended early`);
      this.files.add(file);
      return buf;
    } finally {
      closeSync(fd);
    }
  }
}

/** Reads and checks an .onnx file; throws OnnxFormatError (message prefixed by the path). */
export async function loadOnnxModel(file: string): Promise<LoadedOnnxModel> {
  const abs = path.resolve(file);
  let bytes: Uint8Array;
  try {
    const buf = await readRegularFile(abs, { limit: MAX_MODEL_BYTES, what: 'an .onnx file' });
    bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    if (!(e instanceof FileReadError)) throw e;
    const code = e.code === 'too-large' ? 'unsupported' : 'not-onnx';
    const why = e.code === 'too-large' ? `${e.problem} (the 2 GiB protobuf limit; large models keep weights in external data files)` : e.problem;
    throw new OnnxFormatError(code, `${file}: ${e.code === 'not-a-file' || e.code === 'too-large' ? why : `cannot read the model (${why})`}`);
  }
  try {
    const reader = new ExternalDataReader(path.dirname(abs));
    const model = decodeModel(bytes, { externalData: (ref) => reader.read(ref) });
    return { path: abs, model, bytes: bytes.byteLength, externalFiles: [...reader.files] };
  } catch (e) {
    throw withPath(file, e);
  }
}
