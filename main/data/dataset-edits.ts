/**
 * The data doctor's edits to a dataset folder: move an image to another class folder, exclude it
 * (the exclusion list, exclusions.ts), and undo the latest edit. Every edit is appended to the
 * journal `.cnn-studio-journal.jsonl` in the dataset root, one JSON object per line:
 *   {"action":"move","from":"cat/1.png","to":"dog/1.png","time":...}
 *   {"action":"exclude","path":"cat/2.png","time":...}
 *   {"action":"undo","undone":<line index of the edit undone>,"time":...}
 * Undo replays the journal as a stack (each undo pops the latest edit not yet undone), so the
 * history stays readable and nothing is rewritten. No edit deletes a file: a move is a rename
 * inside the dataset folder that never replaces an existing file (a taken name gets a number).
 *
 * Confinement: every path is relative to the dataset root and checked twice, lexically (no
 * absolute path, no "..") and on disk (the real path of its folder must be inside the root's
 * real path, and the file itself must not be a symbolic link), so neither a hostile request nor an
 * edited journal can move a file from or to anywhere outside the dataset folder.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { atomicWrite } from '../fs/atomic-write';
import { readRegularFile, FileReadError } from '../fs/read-regular-file';
import { plainFsError } from '../../core/fs-error-text';
import { DatasetError } from './errors';
import { JOURNAL_FILE, exclusionKey, readExclusions, writeExclusions } from './exclusions';
import { scanImageFolder, type ImageEntry } from './scan';
import type { DatasetEdit } from '../../core/data/doctor-report';

export type { DatasetEdit };

type JournalLine = DatasetEdit | { action: 'undo'; undone: number; time: string };

const MAX_JOURNAL_BYTES = 16 * 1024 * 1024;
const MAX_REL_LENGTH = 4096;

function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The lexical check: a relative path with forward slashes that stays inside the root. */
export function confinedRel(rel: string): string {
  if (typeof rel !== 'string' || rel.length === 0 || rel.length > MAX_REL_LENGTH || rel.includes('\0')) {
    throw new DatasetError(`"${String(rel).slice(0, 80)}" is not a usable image path`, String(rel));
  }
  const slashed = rel.split('\\').join('/');
  if (path.isAbsolute(rel) || path.posix.isAbsolute(slashed) || /^[A-Za-z]:/.test(slashed)) {
    throw new DatasetError(`${rel}: give the image's path relative to the dataset folder, not an absolute path`, rel);
  }
  const norm = path.posix.normalize(slashed);
  if (norm === '..' || norm.startsWith('../') || norm === '.') throw new DatasetError(`${rel} is outside the dataset folder`, rel);
  return exclusionKey(norm);
}

/** The on-disk check: the absolute path of `rel`, its folder's real path inside the root's. */
async function confinedPath(root: string, realRoot: string, rel: string): Promise<string> {
  const abs = path.join(root, ...confinedRel(rel).split('/'));
  const dir = await fs.realpath(path.dirname(abs)).catch(() => null);
  if (dir && !isInside(realRoot, dir)) throw new DatasetError(`${rel} leads outside the dataset folder (through a symbolic link)`, abs);
  const st = await fs.lstat(abs).catch(() => null);
  if (st?.isSymbolicLink()) throw new DatasetError(`${rel} is a symbolic link: the doctor moves only real files`, abs);
  return abs;
}

async function datasetRoot(root: string): Promise<{ root: string; realRoot: string }> {
  const abs = path.resolve(root);
  const st = await fs.stat(abs).catch(() => null);
  if (!st?.isDirectory()) throw new DatasetError(`dataset folder not found: ${abs}`, abs);
  return { root: abs, realRoot: await fs.realpath(abs) };
}

/** The journal's lines (none when it does not exist yet). */
async function readJournal(root: string): Promise<JournalLine[]> {
  const file = path.join(root, JOURNAL_FILE);
  let text: string;
  try {
    text = (await readRegularFile(file, { limit: MAX_JOURNAL_BYTES, what: 'a journal' })).toString('utf8');
  } catch (e) {
    if (e instanceof FileReadError && e.code === 'not-found') return [];
    throw new DatasetError(`cannot read the journal ${(e as Error).message}`, file);
  }
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      try {
        return JSON.parse(l) as JournalLine;
      } catch {
        throw new DatasetError(`${file} line ${i + 1} is not valid JSON: fix or remove that line`, file);
      }
    });
}

async function appendJournal(root: string, line: JournalLine): Promise<void> {
  const file = path.join(root, JOURNAL_FILE);
  const before = await fs.readFile(file, 'utf8').catch(() => '');
  await atomicWrite(file, `${before}${JSON.stringify(line)}\n`);
}

/** The edits not yet undone, latest last, each with its line index. */
export async function pendingEdits(root: string): Promise<{ line: number; edit: DatasetEdit }[]> {
  const stack: { line: number; edit: DatasetEdit }[] = [];
  (await readJournal(path.resolve(root))).forEach((l, line) => {
    if (l.action === 'undo') stack.pop();
    else stack.push({ line, edit: l });
  });
  return stack;
}

/** The scanned image at `rel` (so only images the dataset uses can be edited), with the scan's classes. */
async function findImage(root: string, rel: string): Promise<{ entry: ImageEntry; classes: string[] }> {
  const scan = await scanImageFolder(root, { valSplit: 0 });
  const all = [...scan.splits.train, ...scan.splits.val, ...(scan.splits.test ?? [])];
  const entry = all.find((e) => e.rel === rel);
  if (!entry) throw new DatasetError(`${rel} is not an image of the dataset ${root} (or it is already excluded)`, path.join(root, rel));
  return { entry, classes: scan.classes };
}

/** Renames `from` to `to` (both confined), refusing to replace a file. */
async function renameInside(root: string, realRoot: string, fromRel: string, toRel: string): Promise<void> {
  const from = await confinedPath(root, realRoot, fromRel);
  const to = await confinedPath(root, realRoot, toRel);
  if (!(await fs.lstat(from).catch(() => null))?.isFile()) throw new DatasetError(`${fromRel} is not there any more`, from);
  if (await fs.lstat(to).catch(() => null)) throw new DatasetError(`${toRel} already exists: rename one of the two images first`, to);
  try {
    await fs.rename(from, to);
  } catch (e) {
    throw new DatasetError(`cannot move ${fromRel} to ${toRel}: ${plainFsError(e)}`, from);
  }
}

/** `rel`, or the first of `stem-2.ext`, `stem-3.ext`, ... not taken: class folders often reuse names (001.png). */
async function freeName(root: string, rel: string): Promise<string> {
  const ext = path.posix.extname(rel);
  const stem = rel.slice(0, rel.length - ext.length);
  for (let n = 1; n <= 1000; n++) {
    const candidate = n === 1 ? rel : `${stem}-${n}${ext}`;
    if (!(await fs.lstat(path.join(root, ...candidate.split('/'))).catch(() => null))) return candidate;
  }
  throw new DatasetError(`${rel} and 999 numbered variants already exist: rename some images first`, path.join(root, rel));
}

/** Moves one image into the folder of class `target`, keeping its file name (numbered when taken); journalled. */
export async function moveToClass(rootIn: string, relIn: string, target: string): Promise<DatasetEdit> {
  const { root, realRoot } = await datasetRoot(rootIn);
  const rel = confinedRel(relIn);
  await confinedPath(root, realRoot, rel);
  const { entry, classes } = await findImage(root, rel);
  if (!classes.includes(target)) throw new DatasetError(`"${target}" is not a class of ${root} (classes: ${classes.join(', ')})`, root);
  const current = classes[entry.label]!;
  if (current === target) throw new DatasetError(`${rel} is already in class ${target}`, entry.path);
  // The class folder is the first segment (root/<class>/...) or the second (root/train/<class>/...).
  const parts = rel.split('/');
  const at = parts[0] === current ? 0 : 1;
  const wanted = [...parts.slice(0, at), target, ...parts.slice(at + 1)].join('/');
  await fs.mkdir(path.dirname(path.join(root, ...wanted.split('/'))), { recursive: true });
  const toRel = await freeName(root, wanted);
  await renameInside(root, realRoot, rel, toRel);
  const edit: DatasetEdit = { action: 'move', from: rel, to: toRel, time: new Date().toISOString() };
  await appendJournal(root, edit);
  return edit;
}

/** Adds one image to the exclusion list; journalled. */
export async function excludeImage(rootIn: string, relIn: string): Promise<DatasetEdit> {
  const { root, realRoot } = await datasetRoot(rootIn);
  const rel = confinedRel(relIn);
  await confinedPath(root, realRoot, rel);
  await findImage(root, rel);
  await writeExclusions(root, [...(await readExclusions(root)), rel]);
  const edit: DatasetEdit = { action: 'exclude', path: rel, time: new Date().toISOString() };
  await appendJournal(root, edit);
  return edit;
}

/** Reverses the latest edit not yet undone: moves the image back, or takes it off the exclusion list. */
export async function undoLastEdit(rootIn: string): Promise<DatasetEdit> {
  const { root, realRoot } = await datasetRoot(rootIn);
  const last = (await pendingEdits(root)).at(-1);
  if (!last) throw new DatasetError(`nothing to undo: the journal of ${root} has no edit left`, root);
  const e = last.edit;
  if (e.action === 'move') {
    await renameInside(root, realRoot, confinedRel(e.to), confinedRel(e.from));
  } else {
    const rel = confinedRel(e.path);
    await writeExclusions(
      root,
      (await readExclusions(root)).filter((p) => p !== rel),
    );
  }
  await appendJournal(root, { action: 'undo', undone: last.line, time: new Date().toISOString() });
  return e;
}
