/**
 * Writes a set of files into a folder all or nothing: every file goes into a hidden sibling
 * staging folder first (same file system, so the moves below are renames), and only when all of
 * them are written does the staging folder become the target (a new folder: one rename) or its
 * files move in (an existing folder). A full disk or any other failure leaves no partial folder
 * and no half-written file; files already in an existing folder are replaced only on success.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { WriteFailure, writeProblem } from './atomic-write';

export interface FolderFile {
  /** relative to the folder, "/"-separated */
  path: string;
  data: string | Uint8Array;
}

export async function writeFolder(dir: string, files: readonly FolderFile[]): Promise<string> {
  const out = path.resolve(dir);
  const parent = path.dirname(out);
  const existing = await fs.stat(out).catch(() => null);
  if (existing && !existing.isDirectory()) throw new WriteFailure(out, 'EEXIST', 'a file of that name is in the way of the folder');
  const staging = path.join(parent, `.${path.basename(out)}.${randomBytes(6).toString('hex')}.tmp`);
  let current = staging;
  // Missing parent folders are made (as mkdir -p would) and removed again if the write fails.
  let madeParent: string | undefined;
  let done = false;
  try {
    madeParent = await fs.mkdir(parent, { recursive: true });
    await fs.mkdir(staging);
    for (const f of files) {
      current = path.join(out, f.path);
      const at = path.join(staging, f.path);
      await fs.mkdir(path.dirname(at), { recursive: true });
      await fs.writeFile(at, f.data);
    }
    current = out;
    if (!existing) {
      await fs.rename(staging, out);
    } else {
      for (const f of files) {
        current = path.join(out, f.path);
        await fs.mkdir(path.dirname(current), { recursive: true });
        await fs.rename(path.join(staging, f.path), current);
      }
    }
    done = true;
    return out;
  } catch (e) {
    throw e instanceof WriteFailure ? e : new WriteFailure(current, (e as NodeJS.ErrnoException).code, writeProblem(e));
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
    if (!done && madeParent) await fs.rm(madeParent, { recursive: true, force: true });
  }
}
