/**
 * The one way the studio reads a whole file named by a user or a client: only a regular file, and
 * never more than a limit, whatever size the file system reports.
 *
 * Why not fs.readFile after a stat: a device (/dev/zero) or a /proc file reports size 0 and then
 * reads forever; a FIFO blocks open() until a writer comes. So the file is opened with O_NONBLOCK
 * (open returns at once for a FIFO), the *opened* descriptor is checked with fstat (no swap between
 * check and read), and at most limit + 1 bytes are read: one byte more than allowed proves "too large".
 */
import { constants, promises as fs } from 'node:fs';

export type FileReadProblem = 'not-found' | 'not-a-file' | 'too-large' | 'permission-denied' | 'read-failed';

/** Message: "<path>: <problem>", ready to show; `code` for callers that map it to their own error type. */
export class FileReadError extends Error {
  override readonly name = 'FileReadError';
  constructor(
    readonly file: string,
    readonly code: FileReadProblem,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

/** Largest project (or recovery) file read: a project holds a graph, not weights. */
export const MAX_PROJECT_BYTES = 64 * 1024 * 1024;

/** Windows has no O_NONBLOCK (and no FIFOs that block open): 0 there. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

function describeErrno(file: string, e: unknown, what: string): FileReadError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new FileReadError(file, 'not-found', 'no such file');
  if (code === 'EACCES' || code === 'EPERM') return new FileReadError(file, 'permission-denied', 'permission denied');
  if (code === 'EISDIR') return new FileReadError(file, 'not-a-file', `is a folder, not ${what}`);
  if (code === 'ELOOP') return new FileReadError(file, 'not-found', 'is a link that points to itself (a loop of links)');
  return new FileReadError(file, 'read-failed', `cannot be read (${e instanceof Error ? e.message.replace(/^[A-Z]+: /, '') : String(e)})`);
}

function kindOf(st: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

export interface ReadOptions {
  /** Largest accepted size in bytes. */
  limit: number;
  /** What the caller expects, for messages: "a project file", "an .onnx file". */
  what: string;
}

/** Reads `file` whole; throws FileReadError for anything but a regular file of at most `limit` bytes. */
export async function readRegularFile(file: string, opts: ReadOptions): Promise<Buffer> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, OPEN_FLAGS);
  } catch (e) {
    throw describeErrno(file, e, opts.what);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) {
      const kind = kindOf(st);
      throw new FileReadError(file, 'not-a-file', `is ${kind.startsWith('not') ? 'not a regular file' : kind}, not ${opts.what}`);
    }
    if (st.size > opts.limit) throw tooLarge(file, opts, `${st.size} bytes`);
    return await readCapped(handle, file, opts, st.size);
  } catch (e) {
    throw e instanceof FileReadError ? e : describeErrno(file, e, opts.what);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function tooLarge(file: string, opts: ReadOptions, size: string): FileReadError {
  return new FileReadError(file, 'too-large', `is ${size}, larger than ${opts.what} can be (at most ${opts.limit} bytes)`);
}

/**
 * Reads until end of file, but never past limit + 1 bytes. `sizeHint` (fstat's size) sizes the
 * first buffer; a file that reports 0 (/proc) or grows while read makes the buffer grow.
 */
async function readCapped(handle: fs.FileHandle, file: string, opts: ReadOptions, sizeHint: number): Promise<Buffer> {
  const cap = opts.limit + 1;
  let buf = Buffer.allocUnsafe(Math.min(cap, sizeHint + 1));
  let n = 0;
  for (;;) {
    if (n === buf.length) {
      if (n >= cap) break;
      const bigger = Buffer.allocUnsafe(Math.min(cap, Math.max(buf.length * 2, 64 * 1024)));
      buf.copy(bigger, 0, 0, n);
      buf = bigger;
    }
    const { bytesRead } = await handle.read(buf, n, buf.length - n, null);
    if (bytesRead === 0) break;
    n += bytesRead;
  }
  if (n > opts.limit) throw tooLarge(file, opts, `over ${opts.limit} bytes`);
  return buf.subarray(0, n);
}
