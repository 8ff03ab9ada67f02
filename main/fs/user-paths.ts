/**
 * Paths a person typed (CLI arguments, the studio's path fields), checked before use so that a
 * mistake is reported in words that name the file and what to do, never as a bare system code
 * (ENOENT, EISDIR, ENOTDIR with a temp file's name).
 */
import { existsSync, promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import { plainFsError } from '../../core/fs-error-text';
import { FileReadError, MAX_PROJECT_BYTES, readRegularFile } from './read-regular-file';

/** A path that cannot be used as given; `message` names it and says what to do. */
export class UserPathError extends Error {
  override readonly name = 'UserPathError';
}

export { plainFsError };

async function statOrNull(p: string): Promise<Stats | null> {
  try {
    return await fs.stat(p);
  } catch (e) {
    // Absent, or a file where a folder of the path should be: the callers say which part.
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new UserPathError(`${p}: ${plainFsError(e)}`);
  }
}

/** What a folder given in place of a file holds that the person may have meant. */
async function filesLike(dir: string, ext: string): Promise<string[]> {
  try {
    return (await fs.readdir(dir)).filter((f) => f.toLowerCase().endsWith(ext)).sort();
  } catch {
    return [];
  }
}

/**
 * The text of a project file. A folder gets advice: a training run folder's project.json, or
 * the .json files inside it.
 */
export async function readProjectText(file: string): Promise<string> {
  const st = await statOrNull(file);
  if (!st) throw new UserPathError(`${file}: no such file; give the path of a project file (.json), e.g. one written by "cnn-studio template"`);
  if (st.isDirectory()) {
    if (existsSync(path.join(file, 'run.json')) && existsSync(path.join(file, 'project.json'))) {
      throw new UserPathError(
        `${file} is a training run folder, not a project file: pass ${path.join(file, 'project.json')} (its model), or --resume --out ${file} to continue that run`,
      );
    }
    const json = await filesLike(file, '.json');
    const hint =
      json.length === 0
        ? 'it holds no .json file'
        : `pass one of its files: ${json
            .slice(0, 5)
            .map((f) => path.join(file, f))
            .join(', ')}${json.length > 5 ? ', ...' : ''}`;
    throw new UserPathError(`${file} is a folder, not a project file (.json); ${hint}`);
  }
  try {
    // Regular files only, read no further than a project can be (a FIFO or device never blocks).
    return (await readRegularFile(file, { limit: MAX_PROJECT_BYTES, what: 'a project file' })).toString('utf8');
  } catch (e) {
    if (e instanceof FileReadError) throw new UserPathError(e.message);
    throw new UserPathError(`${file}: cannot read the project (${plainFsError(e)})`);
  }
}

/**
 * A checkpoint argument: a .ckpt file, or a training run folder (its best.ckpt, else its
 * last.ckpt). Any other folder is refused with the checkpoints it holds.
 */
export async function checkpointArg(arg: string): Promise<string> {
  const st = await statOrNull(arg);
  if (!st) throw new UserPathError(`${arg}: no such checkpoint file or run folder`);
  if (!st.isDirectory()) return arg;
  for (const name of ['best.ckpt', 'last.ckpt']) if (existsSync(path.join(arg, name))) return path.join(arg, name);
  const ckpts = await filesLike(arg, '.ckpt');
  if (ckpts.length > 0)
    throw new UserPathError(
      `${arg} is a folder without best.ckpt or last.ckpt; pass the checkpoint file: ${ckpts
        .slice(0, 5)
        .map((f) => path.join(arg, f))
        .join(', ')}`,
    );
  throw new UserPathError(`${arg} is a folder with no checkpoint (.ckpt); pass a checkpoint file or a training run folder (with best.ckpt)`);
}

export interface OutputOptions {
  /** the file name used when the target is a folder, e.g. "<run>.onnx" */
  defaultName: string;
  /** replace an existing file; without it an existing file is refused */
  force: boolean;
  /** how to ask for the overwrite in the refusal (default: "pass --force") */
  forceHint?: string;
}

function endsWithSeparator(p: string): boolean {
  return p.endsWith('/') || (path.sep === '\\' && p.endsWith('\\'));
}

/**
 * Where an output file goes. A folder target (an existing folder, or a path ending in "/")
 * means `<folder>/<defaultName>`. The folder must exist; an existing file is replaced only with
 * `force`, a folder never.
 */
export async function resolveOutputFile(target: string, o: OutputOptions): Promise<string> {
  if (target.trim() === '') throw new UserPathError('no output file given');
  const st = await statOrNull(target);
  const isFolder = st?.isDirectory() === true || endsWithSeparator(target);
  if (isFolder && !st) throw new UserPathError(`${target}: no such folder; create it first, or give a file name`);
  const file = isFolder ? path.join(target, o.defaultName) : target;
  const dir = path.dirname(path.resolve(file));
  const dirSt = await statOrNull(dir);
  if (!dirSt) throw new UserPathError(`cannot write ${file}: the folder ${dir} does not exist; create it first`);
  if (!dirSt.isDirectory()) throw new UserPathError(`cannot write ${file}: ${dir} is a file, not a folder`);
  const existing = file === target ? st : await statOrNull(file);
  if (existing?.isDirectory()) throw new UserPathError(`cannot write ${file}: a folder of that name is in the way`);
  if (existing && !o.force) throw new UserPathError(`${file} exists; ${o.forceHint ?? 'pass --force'} to overwrite it`);
  return file;
}
