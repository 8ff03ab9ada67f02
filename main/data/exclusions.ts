/**
 * The dataset's exclusion list: `.cnn-studio-exclude` in the dataset root, one image path per
 * line, relative to the root with forward slashes (`cat/001.png`, `train/dog/x.jpg`); blank
 * lines and lines starting with `#` are ignored. scanImageFolder leaves the listed images out, so
 * `dataset`, `train`, `eval` and the studio all skip them; the files themselves stay where they are.
 * The data doctor's "Exclude" action appends to it (journalled, undoable: dataset-edits.ts).
 */
import path from 'node:path';
import { readRegularFile, FileReadError } from '../fs/read-regular-file';
import { atomicWrite } from '../fs/atomic-write';
import { DatasetError } from './errors';

export const EXCLUDE_FILE = '.cnn-studio-exclude';
/** The journal of the doctor's moves and exclusions (dataset-edits.ts), also in the dataset root. */
export const JOURNAL_FILE = '.cnn-studio-journal.jsonl';
/** The studio's own files in a dataset root: never reported as skipped files. */
export const DATASET_STUDIO_FILES: readonly string[] = [EXCLUDE_FILE, JOURNAL_FILE];

/** An exclusion list is a list of paths, not data: 8 MB holds ~100k of them. */
const MAX_EXCLUDE_BYTES = 8 * 1024 * 1024;

const HEADER = [
  '# CNN Studio exclusion list: images listed here (relative to this folder) are left out of',
  '# scanning, training and evaluation. The files are not touched. Remove a line to use it again.',
];

/** Normalises a listed path: forward slashes, no leading "./". */
export function exclusionKey(rel: string): string {
  return rel
    .split('\\')
    .join('/')
    .replace(/^(\.\/)+/, '');
}

function parseLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map(exclusionKey);
}

/** The listed paths (empty when the file does not exist). */
export async function readExclusions(root: string): Promise<string[]> {
  const file = path.join(root, EXCLUDE_FILE);
  try {
    const buf = await readRegularFile(file, { limit: MAX_EXCLUDE_BYTES, what: 'an exclusion list' });
    return parseLines(buf.toString('utf8'));
  } catch (e) {
    if (e instanceof FileReadError && e.code === 'not-found') return [];
    if (e instanceof FileReadError) throw new DatasetError(`cannot read the exclusion list ${e.message}`, file);
    throw e;
  }
}

/** Rewrites the list with `paths` (sorted, without repeats), keeping the explanatory header. */
export async function writeExclusions(root: string, paths: readonly string[]): Promise<void> {
  const unique = [...new Set(paths.map(exclusionKey))].sort();
  await atomicWrite(path.join(root, EXCLUDE_FILE), `${[...HEADER, ...unique].join('\n')}\n`);
}
