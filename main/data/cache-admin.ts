/**
 * The decode cache folder as a whole: what it holds, how big it is, and keeping it under a cap.
 *
 * Every dataset cache is one sub-folder named by a 20-hex-digit hash (cache-manifest.ts). The
 * manifest's mtime is the folder's "last used" time: openDecodeCache touches it on every open,
 * so least-recently-used eviction needs no extra bookkeeping file.
 *
 * Safety: CNN_STUDIO_CACHE or --cache-dir may point at a folder that also holds a person's own
 * files. Only sub-folders that are provably ours are ever listed or deleted: a hash-shaped name
 * holding nothing but a manifest of our format, our data files and our temp files.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CACHE_FORMAT, type CacheKey } from './cache-manifest';

export interface CacheFolderInfo {
  /** absolute path of the sub-folder */
  dir: string;
  /** the dataset root it was decoded from (absolute; may no longer exist) */
  root: string;
  /** "3x224x224 center-crop" */
  input: string;
  /** usable decoded images */
  images: number;
  /** bytes on disk, all files of the folder */
  bytes: number;
  /** last open, ms since the epoch */
  lastUsedMs: number;
}

const FOLDER_NAME = /^[0-9a-f]{20}$/;
const OUR_FILE = /^(manifest\.json|samples-[0-9a-z-]+\.u8|\..+\.tmp)$/;

interface ManifestSummary {
  key: CacheKey;
  entries: Record<string, { slot?: number }>;
}

async function readSummary(dir: string): Promise<ManifestSummary | null> {
  try {
    const m = JSON.parse(await fs.readFile(path.join(dir, 'manifest.json'), 'utf8')) as Partial<ManifestSummary> & { format?: unknown };
    if (m.format !== CACHE_FORMAT || typeof m.key !== 'object' || m.key === null || typeof m.entries !== 'object' || m.entries === null) return null;
    return m as ManifestSummary;
  } catch {
    return null;
  }
}

/** The folder's size if every file in it is one of ours; null when anything else is there. */
async function ourFolderBytes(dir: string): Promise<number | null> {
  let bytes = 0;
  for (const d of await fs.readdir(dir, { withFileTypes: true })) {
    if (!d.isFile() || !OUR_FILE.test(d.name)) return null;
    bytes += (await fs.stat(path.join(dir, d.name))).size;
  }
  return bytes;
}

async function describeFolder(dir: string): Promise<CacheFolderInfo | null> {
  const summary = await readSummary(dir);
  if (!summary) return null;
  const bytes = await ourFolderBytes(dir).catch(() => null);
  if (bytes === null) return null;
  const st = await fs.stat(path.join(dir, 'manifest.json'));
  const k = summary.key;
  const images = Object.values(summary.entries).filter((e) => e.slot !== undefined).length;
  return { dir, root: k.root, input: `${k.channels}x${k.height}x${k.width} ${k.resize}`, images, bytes, lastUsedMs: st.mtimeMs };
}

/** Every dataset cache in `cacheDir`, most recently used first. A missing folder holds none. */
export async function listCaches(cacheDir: string): Promise<CacheFolderInfo[]> {
  let names: string[];
  try {
    names = (await fs.readdir(cacheDir, { withFileTypes: true })).filter((d) => d.isDirectory() && FOLDER_NAME.test(d.name)).map((d) => d.name);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const found = await Promise.all(names.map((n) => describeFolder(path.join(cacheDir, n)).catch(() => null)));
  return found.filter((f): f is CacheFolderInfo => f !== null).sort((a, b) => b.lastUsedMs - a.lastUsedMs);
}

/** Marks a cache folder as used now (its manifest's mtime), for least-recently-used eviction. */
export async function touchCache(dir: string): Promise<void> {
  const now = new Date();
  await fs.utimes(path.join(dir, 'manifest.json'), now, now).catch(() => undefined);
}

/** Bytes of the files in every hash-named sub-folder, without reading any of them. */
async function roughTotalBytes(cacheDir: string): Promise<number> {
  let total = 0;
  const dirs = await fs.readdir(cacheDir, { withFileTypes: true }).catch(() => []);
  for (const d of dirs) {
    if (!d.isDirectory() || !FOLDER_NAME.test(d.name)) continue;
    const dir = path.join(cacheDir, d.name);
    for (const f of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (f.isFile()) total += (await fs.stat(path.join(dir, f.name)).catch(() => ({ size: 0 }))).size;
    }
  }
  return total;
}

/** Deletes one of our cache folders; refuses anything listCaches would not list. */
export async function removeCache(dir: string): Promise<boolean> {
  if (!FOLDER_NAME.test(path.basename(dir)) || !(await describeFolder(dir).catch(() => null))) return false;
  await fs.rm(dir, { recursive: true, force: true });
  return true;
}

export interface EvictionResult {
  removed: CacheFolderInfo[];
  /** bytes the caches hold afterwards */
  bytes: number;
  /** true when the kept folder alone is larger than the cap */
  keptOverCap: boolean;
}

/**
 * Removes least-recently-used caches until all of them fit in `capBytes`. The folder in `keep`
 * (the one just opened) is never removed, even when it alone is over the cap.
 */
export async function evictToCap(cacheDir: string, capBytes: number, keep?: string): Promise<EvictionResult> {
  // Runs on every cache open: sizes first (readdir + stat), and the manifests (megabytes for a large
  // dataset) are only parsed when the caches are over the cap and something must go.
  const rough = await roughTotalBytes(cacheDir);
  if (rough <= capBytes) return { removed: [], bytes: rough, keptOverCap: false };
  const all = await listCaches(cacheDir);
  let bytes = all.reduce((s, f) => s + f.bytes, 0);
  const removed: CacheFolderInfo[] = [];
  const keepDir = keep === undefined ? undefined : path.resolve(keep);
  for (const f of [...all].reverse()) {
    if (bytes <= capBytes) break;
    if (path.resolve(f.dir) === keepDir) continue;
    if (await removeCache(f.dir)) {
      removed.push(f);
      bytes -= f.bytes;
    }
  }
  const kept = all.find((f) => path.resolve(f.dir) === keepDir);
  return { removed, bytes, keptOverCap: kept !== undefined && kept.bytes > capBytes };
}

/** What a person should know after a cache was opened: caches removed for room, or one over the cap. */
export function cacheCapNotes(opened: { evicted: readonly CacheFolderInfo[]; overCap: boolean }, capBytes: number): string[] {
  const notes: string[] = [];
  const mib = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MiB`;
  if (opened.evicted.length > 0) {
    const freed = opened.evicted.reduce((s, f) => s + f.bytes, 0);
    notes.push(
      `removed ${opened.evicted.length} least recently used dataset cache(s), ${mib(freed)}, to stay under CNN_STUDIO_CACHE_MAX (${mib(capBytes)}): ${opened.evicted.map((f) => f.root).join(', ')}`,
    );
  }
  if (opened.overCap)
    notes.push(
      `this dataset's decoded images alone are larger than CNN_STUDIO_CACHE_MAX (${mib(capBytes)}); they are kept, but raise the limit to keep other datasets cached too`,
    );
  return notes;
}

/** The caches decoded from the dataset folder `root` (one per input size and resize policy). */
export function cachesOfDataset(list: readonly CacheFolderInfo[], root: string): CacheFolderInfo[] {
  const want = path.resolve(root);
  return list.filter((f) => path.resolve(f.root) === want);
}
