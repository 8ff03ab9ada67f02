/**
 * Finds the images of a dataset laid out like torchvision's ImageFolder: root/<class>/<image>,
 * or root/train/<class>/... with root/val/ (or root/test/) for the splits.
 * Only lists and stats files; decoding happens in cache.ts.
 */
import { promises as fs, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import { compareCodePoints } from '../../core/data/sort';
import { stratifiedSplit } from '../../core/data/split';
import { mapLimit } from './pool';
import { DatasetError, type FileIssue } from './errors';
import { DATASET_STUDIO_FILES, EXCLUDE_FILE, readExclusions } from './exclusions';

export type SplitName = 'train' | 'val' | 'test';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff', '.avif'] as const;
/** Image formats people keep in datasets that this build of sharp cannot decode: named in the report. */
const UNSUPPORTED_IMAGE_EXTENSIONS = ['.bmp', '.pgm', '.ppm', '.pbm', '.pnm', '.heic', '.heif', '.jxl', '.ico', '.psd', '.jp2'];

export interface ImageEntry {
  /** absolute path */
  path: string;
  /** path relative to the dataset root, with forward slashes: the cache key */
  rel: string;
  label: number;
  size: number;
  mtimeMs: number;
}

export interface ScanOptions {
  /** fraction of each class held out for validation when the root has no val/test folder (default 0.1) */
  valSplit?: number;
  /** seed of the stratified split (default 0) */
  seed?: number;
  /** warn when the largest class has more than this many times the images of the smallest (default 3) */
  imbalanceRatio?: number;
  /** paths relative to the root (forward slashes) to leave out, besides those in the root's exclusion list */
  exclude?: Iterable<string>;
}

export interface ScanResult {
  root: string;
  /** 'split-folders': root/train + root/val|test; 'class-folders': root/<class> split by seed */
  layout: 'class-folders' | 'split-folders';
  /** where validation samples come from */
  valSource: 'val-folder' | 'test-folder' | 'stratified' | 'none';
  classes: string[];
  splits: { train: ImageEntry[]; val: ImageEntry[]; test?: ImageEntry[] };
  /** images found per split, per class (index = label) */
  counts: { train: number[]; val: number[]; test?: number[] };
  skipped: FileIssue[];
  warnings: string[];
  seed: number;
  valSplit: number;
}

const STAT_CONCURRENCY = 32;

function isImageName(name: string): boolean {
  const ext = path.extname(name).toLowerCase();
  return (IMAGE_EXTENSIONS as readonly string[]).includes(ext);
}

async function statOrNull(p: string): Promise<Stats | null> {
  try {
    return await fs.stat(p);
  } catch {
    return null;
  }
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
const LOSSY_UTF8 = new TextDecoder('utf-8');

interface DirEntry {
  /** the name as text (invalid bytes shown as U+FFFD when !utf8) */
  name: string;
  /** false: the name's bytes are not UTF-8, so no path string can name the file */
  utf8: boolean;
  dirent: Dirent<Buffer>;
}

/** A folder's entries with their names checked: the default readdir would turn bad bytes into U+FFFD silently. */
async function readEntries(dir: string): Promise<DirEntry[]> {
  const raw = await fs.readdir(dir, { withFileTypes: true, encoding: 'buffer' });
  return raw.map((dirent) => {
    try {
      return { name: STRICT_UTF8.decode(dirent.name), utf8: true, dirent };
    } catch {
      return { name: LOSSY_UTF8.decode(dirent.name), utf8: false, dirent };
    }
  });
}

function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Is the entry a folder to walk or a file to read? Symbolic links are judged against the
 * dataset's real root: one leading outside it is not followed (a class folder linked to / would
 * walk the whole file system), and a link to a folder inside it is not followed either (its
 * images would be read again, under another class label).
 */
async function entryKind(full: string, e: DirEntry, realRoot: string): Promise<{ kind: 'dir' | 'file' | 'other' } | { kind: 'skip'; reason: string }> {
  if (!e.dirent.isSymbolicLink()) return { kind: e.dirent.isDirectory() ? 'dir' : e.dirent.isFile() ? 'file' : 'other' };
  let real: string;
  let st: Stats;
  try {
    real = await fs.realpath(full);
    st = await fs.stat(real);
  } catch {
    return { kind: 'skip', reason: 'broken symbolic link' };
  }
  const what = st.isDirectory() ? 'folder' : 'file';
  if (!isInside(realRoot, real)) return { kind: 'skip', reason: `symbolic link to a ${what} outside the dataset folder (not followed)` };
  if (st.isDirectory())
    return {
      kind: 'skip',
      reason: 'symbolic link to a folder inside the dataset folder (not followed: its images would be read twice, perhaps under another class)',
    };
  return { kind: st.isFile() ? 'file' : 'other' };
}

/** Sub-folders of dir, sorted by code point; hidden ones, links and undecodable names skipped (and reported). */
async function listDirs(dir: string, realRoot: string, skipped: FileIssue[], reportFiles: boolean): Promise<string[]> {
  const dirs: string[] = [];
  for (const e of await readEntries(dir)) {
    const full = path.join(dir, e.name);
    if (DATASET_STUDIO_FILES.includes(e.name)) continue;
    if (!e.utf8) {
      skipped.push({ path: full, reason: `${e.dirent.isDirectory() ? 'folder' : 'file'} name is not valid UTF-8 (rename it)` });
      continue;
    }
    const k = await entryKind(full, e, realRoot);
    if (e.name.startsWith('.')) {
      skipped.push({ path: full, reason: k.kind === 'dir' ? 'hidden folder' : 'hidden file' });
      continue;
    }
    if (k.kind === 'skip') skipped.push({ path: full, reason: k.reason });
    else if (k.kind === 'dir') dirs.push(e.name);
    else if (reportFiles) skipped.push({ path: full, reason: 'not inside a class folder' });
  }
  return dirs.sort(compareCodePoints);
}

interface FoundFile {
  path: string;
  size: number;
  mtimeMs: number;
}

/**
 * Image files under a class folder, recursively (torchvision walks class folders with os.walk),
 * sorted by path. Symbolic links to folders are not followed (entryKind), so no cycle can form.
 */
async function listImages(dir: string, realRoot: string, skipped: FileIssue[]): Promise<FoundFile[]> {
  const entries = await readEntries(dir);
  entries.sort((a, b) => compareCodePoints(a.name, b.name));
  const files: string[] = [];
  const out: FoundFile[] = [];
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (!e.utf8) {
      skipped.push({ path: full, reason: `${e.dirent.isDirectory() ? 'folder' : 'file'} name is not valid UTF-8 (rename it)` });
      continue;
    }
    if (e.name.startsWith('.')) {
      skipped.push({ path: full, reason: e.dirent.isDirectory() ? 'hidden folder' : 'hidden file' });
      continue;
    }
    const k = await entryKind(full, e, realRoot);
    if (k.kind === 'skip') {
      skipped.push({ path: full, reason: k.reason });
    } else if (k.kind === 'dir') {
      out.push(...(await listImages(full, realRoot, skipped)));
    } else if (isImageName(e.name)) {
      files.push(full);
    } else {
      const ext = path.extname(e.name);
      const reason = UNSUPPORTED_IMAGE_EXTENSIONS.includes(ext.toLowerCase())
        ? `image format not supported (${ext}): convert it to PNG or JPEG`
        : ext
          ? `not an image extension (${ext})`
          : 'no file extension';
      skipped.push({ path: full, reason });
    }
  }
  const stats = await mapLimit(files, STAT_CONCURRENCY, statOrNull);
  files.forEach((f, i) => {
    const st = stats[i];
    if (!st || !st.isFile()) skipped.push({ path: f, reason: st ? 'not a regular file' : 'cannot stat (broken link or no permission)' });
    else out.push({ path: f, size: st.size, mtimeMs: st.mtimeMs });
  });
  return out.sort((a, b) => compareCodePoints(a.path, b.path));
}

interface ClassFolderScan {
  classes: string[];
  files: FoundFile[][];
}

async function scanClassFolders(dir: string, realRoot: string, skipped: FileIssue[], requireClasses: boolean): Promise<ClassFolderScan> {
  const classes = await listDirs(dir, realRoot, skipped, true);
  if (requireClasses && classes.length === 0) {
    throw new DatasetError(
      `no class folders in ${dir}: expected ${path.join(dir, '<class>', '<image>')} (for example ${path.join(dir, 'cat', '001.jpg')})`,
      dir,
    );
  }
  const files: FoundFile[][] = [];
  for (const c of classes) files.push(await listImages(path.join(dir, c), realRoot, skipped));
  return { classes, files };
}

/** Excluded paths (relative, forward slashes) and the issues reporting them. */
interface Exclusion {
  paths: ReadonlySet<string>;
  skipped: FileIssue[];
}

function toEntries(root: string, files: FoundFile[], label: number, ex: Exclusion): ImageEntry[] {
  const out: ImageEntry[] = [];
  for (const f of files) {
    const rel = path.relative(root, f.path).split(path.sep).join('/');
    if (ex.paths.has(rel)) ex.skipped.push({ path: f.path, reason: `excluded (listed in ${EXCLUDE_FILE})` });
    else out.push({ path: f.path, rel, label, size: f.size, mtimeMs: f.mtimeMs });
  }
  return out;
}

function countBy(entries: readonly ImageEntry[], nClasses: number): number[] {
  const c = new Array<number>(nClasses).fill(0);
  for (const e of entries) c[e.label]!++;
  return c;
}

/** Names the largest and smallest classes when max > ratio * min. */
export function imbalanceWarning(classes: readonly string[], counts: readonly number[], ratio: number, split: string): string | null {
  if (counts.length < 2) return null;
  const max = Math.max(...counts);
  const min = Math.min(...counts);
  if (min === 0 || max <= ratio * min) return null;
  const big = classes.filter((_, i) => counts[i] === max);
  const small = classes.filter((_, i) => counts[i] === min);
  return (
    `class imbalance in ${split}: ${big.join(', ')} ${big.length > 1 ? 'have' : 'has'} ${max} images, ` +
    `${small.join(', ')} ${small.length > 1 ? 'have' : 'has'} ${min} (${(max / min).toFixed(1)}x); ` +
    'consider more images of the small classes or class weights'
  );
}

function findChild(names: readonly string[], want: string): string | undefined {
  return names.find((n) => n.toLowerCase() === want);
}

export async function scanImageFolder(root: string, opts: ScanOptions = {}): Promise<ScanResult> {
  const valSplit = opts.valSplit ?? 0.1;
  const seed = opts.seed ?? 0;
  const ratio = opts.imbalanceRatio ?? 3;
  if (!(valSplit >= 0 && valSplit < 1)) throw new DatasetError(`validation split ${valSplit} is out of range: use a fraction in [0, 1), e.g. 0.1`, root);
  if (!Number.isInteger(seed)) throw new DatasetError(`seed ${seed} is not an integer`, root);
  const abs = path.resolve(root);
  const st = await statOrNull(abs);
  if (!st) throw new DatasetError(`dataset folder not found: ${abs}`, abs);
  if (!st.isDirectory()) throw new DatasetError(`${abs} is a file, not a folder: pass the folder that holds one sub-folder per class`, abs);

  const skipped: FileIssue[] = [];
  const warnings: string[] = [];
  const realRoot = await fs.realpath(abs);
  const ex: Exclusion = { paths: new Set([...(await readExclusions(abs)), ...(opts.exclude ?? [])]), skipped };
  const top = await listDirs(abs, realRoot, [], false);
  const trainName = findChild(top, 'train');
  const valName = findChild(top, 'val') ?? findChild(top, 'valid') ?? findChild(top, 'validation');
  const testName = findChild(top, 'test');

  let result: Omit<ScanResult, 'counts' | 'warnings' | 'skipped' | 'seed' | 'valSplit'>;
  if (trainName && (valName || testName)) {
    // Split folders: the class list comes from train/; other splits must use the same names.
    for (const name of top) {
      if (name !== trainName && name !== valName && name !== testName)
        skipped.push({ path: path.join(abs, name), reason: 'folder beside train/val/test is not used' });
    }
    const train = await scanClassFolders(path.join(abs, trainName), realRoot, skipped, true);
    const classes = train.classes;
    const other = async (name: string): Promise<ImageEntry[]> => {
      const s = await scanClassFolders(path.join(abs, name), realRoot, skipped, false);
      const out: ImageEntry[] = [];
      s.classes.forEach((c, i) => {
        const label = classes.indexOf(c);
        if (label < 0) {
          throw new DatasetError(
            `${path.join(abs, name, c)}: class "${c}" has no folder in ${path.join(abs, trainName)}; every ${name} class needs training images`,
            path.join(abs, name, c),
          );
        }
        out.push(...toEntries(abs, s.files[i]!, label, ex));
      });
      const have = new Set(s.classes);
      const missing = classes.filter((c) => !have.has(c));
      if (missing.length > 0)
        warnings.push(
          `${name}/ has no folder for ${missing.length === classes.length ? 'any class' : `class${missing.length > 1 ? 'es' : ''} ${missing.join(', ')}`}`,
        );
      return out;
    };
    const trainEntries = train.files.flatMap((f, i) => toEntries(abs, f, i, ex));
    classes.forEach((c, i) => {
      if (train.files[i]!.length === 0)
        throw new DatasetError(`class folder ${path.join(abs, trainName, c)} has no images (${IMAGE_EXTENSIONS.join(' ')})`, path.join(abs, trainName, c));
    });
    const val = valName ? await other(valName) : undefined;
    const test = testName ? await other(testName) : undefined;
    result = {
      root: abs,
      layout: 'split-folders',
      valSource: valName ? 'val-folder' : 'test-folder',
      classes,
      splits: { train: trainEntries, val: (val ?? test)!, ...(test ? { test } : {}) },
    };
  } else {
    // One folder of classes (root itself, or a lone train/ folder): stratified split by seed.
    const dir = trainName && top.length === 1 ? path.join(abs, trainName) : abs;
    const s = await scanClassFolders(dir, realRoot, skipped, true);
    s.classes.forEach((c, i) => {
      if (s.files[i]!.length === 0)
        throw new DatasetError(`class folder ${path.join(dir, c)} has no images (${IMAGE_EXTENSIONS.join(' ')})`, path.join(dir, c));
    });
    const train: ImageEntry[] = [];
    const val: ImageEntry[] = [];
    s.files.forEach((files, label) => {
      const parts = stratifiedSplit(toEntries(abs, files, label, ex), (e) => e.rel, valSplit, seed);
      train.push(...parts.train);
      val.push(...parts.val);
    });
    result = { root: abs, layout: 'class-folders', valSource: valSplit > 0 ? 'stratified' : 'none', classes: s.classes, splits: { train, val } };
  }

  const n = result.classes.length;
  const counts: ScanResult['counts'] = { train: countBy(result.splits.train, n), val: countBy(result.splits.val, n) };
  if (result.splits.test) counts.test = countBy(result.splits.test, n);
  if (n === 0) warnings.push(`no class folders with images: a classifier needs at least two, one sub-folder of images per class`);
  if (n === 1) warnings.push(`only one class (${result.classes[0]}): a classifier needs at least two class folders`);
  const imb = imbalanceWarning(result.classes, counts.train, ratio, 'train');
  if (imb) warnings.push(imb);
  if (result.layout === 'class-folders' && valSplit > 0) {
    const none = result.classes.filter((_, i) => counts.val[i] === 0);
    if (none.length > 0) warnings.push(`no validation images for ${none.join(', ')} (a single image cannot be split)`);
  }
  return { ...result, counts, skipped, warnings, seed, valSplit };
}
