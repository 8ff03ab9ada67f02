import { promises as fs } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { plainFsError } from '../../core/fs-error-text';

/**
 * A failed write, named in a sentence: "<file>: cannot write: the disk is full (no space left on
 * device)" instead of Node's "ENOSPC: no space left on device, write". `code` keeps the system
 * code for callers that choose what to say next.
 */
export class WriteFailure extends Error {
  override readonly name = 'WriteFailure';
  constructor(
    readonly file: string,
    readonly code: string | undefined,
    readonly why: string,
  ) {
    super(`${file}: cannot write: ${why}`);
  }
}

/** Where a failed write needs other words than any file error (core/fs-error-text.ts has the rest). */
const WRITE_WORDS: Record<string, string> = {
  ENOSPC: 'the disk is full (no space left on device)',
  EFBIG: 'the file is larger than this file system allows',
  ENOENT: 'the folder does not exist',
  EIO: 'the disk reported an input/output error',
};

/** What a write error means for a person, from its system code. */
export function writeProblem(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return (typeof code === 'string' ? WRITE_WORDS[code] : undefined) ?? plainFsError(e);
}

/**
 * Writes `data` to `target` so that a reader (or a crash) sees either the old file or the whole
 * new one, never a torn write: write a temp file in the same folder, fsync it, rename over the
 * target (atomic on one filesystem), then fsync the folder so the rename itself is durable.
 */
export async function atomicWrite(target: string, data: string | Uint8Array): Promise<number> {
  try {
    return await writeThenRename(target, data);
  } catch (e) {
    if (e instanceof WriteFailure) throw e;
    throw new WriteFailure(target, (e as NodeJS.ErrnoException).code, writeProblem(e));
  }
}

async function writeThenRename(target: string, data: string | Uint8Array): Promise<number> {
  const dir = path.dirname(target);
  const tmp = path.join(dir, `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, 'wx', 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (e) {
    await handle.close().catch(() => undefined);
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await handle.close();
  try {
    await fs.rename(tmp, target);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await syncDir(dir);
  return typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
}

async function syncDir(dir: string): Promise<void> {
  // Windows cannot open a directory for fsync; the rename is still atomic there.
  if (process.platform === 'win32') return;
  const h = await fs.open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}
