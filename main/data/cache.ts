/**
 * Decode cache: every image decoded once, at model resolution, into one binary file of uint8 CHW
 * samples (fixed size, so sample k sits at byte k * C*H*W), described by manifest.json.
 *
 * Layout: <cacheDir>/<hash of root + preprocessing>/{manifest.json, samples-<generation>.u8}.
 * Entries are keyed by path (relative to the root), size and mtime. On open:
 *  - nothing changed: nothing is written or decoded;
 *  - files added or changed: only those are decoded; the unchanged samples are copied (plain
 *    I/O, no decoding) into a new data file written under a temp name and renamed, then the
 *    manifest is replaced atomically and the old data file deleted. A reader therefore always
 *    sees a manifest and a data file that belong together, even after a crash, and another
 *    process still reading the old generation is not disturbed;
 *  - files only removed: the manifest drops them (their slots become dead space, reclaimed by
 *    the next rewrite, or at once when more than half of the file is dead).
 * Corrupt files are remembered with their reason (keyed by size and mtime too), so they are
 * not decoded again on every run but are retried once the file changes.
 * Reading: a data file within `memoryBudgetBytes` is read into memory once; a larger one is
 * read per batch at sample offsets (datasets larger than memory stream from disk).
 */
import { promises as fs } from 'node:fs';
import { plainFsError } from '../fs/user-paths';
import path from 'node:path';
import sharp from 'sharp';
import { atomicWrite } from '../fs/atomic-write';
import { ChannelStatsAccumulator, type ChannelStats } from '../../core/data/stats';
import { ALPHA_BACKGROUND, checkDecodeSpec, type DecodeSpec } from './decode';
import { cacheFolderName, cacheKey, readManifest, CACHE_FORMAT, CACHE_VERSION, type Manifest, type ManifestEntry } from './cache-manifest';
import { cacheWriteError, removeStale, rewriteData, type Rewrite } from './cache-write';
import { openSampleReader } from './cache-reader';
import { defaultCacheDir } from './cache-dir';
import { evictToCap, touchCache, type CacheFolderInfo } from './cache-admin';
import { readConfig } from '../config';
import { DatasetError, type FileIssue } from './errors';
import type { ImageEntry, ScanResult, SplitName } from './scan';

export interface CacheProgress {
  /** files looked at so far (cache hits count at once) */
  done: number;
  total: number;
  decoded: number;
  failed: number;
}

export interface CacheOptions {
  input: DecodeSpec;
  /** default: defaultCacheDir() */
  cacheDir?: string;
  /** images decoded at once (default: twice the available cores) */
  concurrency?: number;
  /** all dataset caches in the folder stay under this many bytes, least recently used removed first (default: CNN_STUDIO_CACHE_MAX, 20 GiB) */
  maxBytes?: number;
  /** data files up to this size are held in memory; larger ones stream (default 512 MiB) */
  memoryBudgetBytes?: number;
  onProgress?: (p: CacheProgress) => void;
  signal?: AbortSignal;
}

/** The usable (decoded) samples of one split, in a fixed order: index i of every array is sample i. */
export interface SplitView {
  name: SplitName;
  count: number;
  paths: string[];
  /** relative to the dataset root */
  rels: string[];
  labels: Int32Array;
  /** slot of each sample in the data file */
  slots: Int32Array;
  /** storage-resolution caches: each image's own width and height (sample i at 2i, 2i + 1); else null */
  sizes: Int32Array | null;
}

export interface CacheOpenStats {
  total: number;
  hits: number;
  decoded: number;
  failed: number;
  /** samples copied unchanged into a new data file */
  copied: number;
  /** true when the data file was rewritten */
  rewritten: boolean;
  /** other datasets' caches removed to stay under the size cap (least recently used first) */
  evicted: CacheFolderInfo[];
  /** true when this dataset's cache alone is larger than the cap (it is kept) */
  overCap: boolean;
}

export interface DecodeCache {
  readonly dir: string;
  readonly spec: DecodeSpec;
  readonly classes: readonly string[];
  /** bytes per sample: C*H*W */
  readonly sampleBytes: number;
  /** files that could not be decoded (this run or an earlier one, while unchanged) */
  readonly report: readonly FileIssue[];
  readonly opened: CacheOpenStats;
  /** whether samples are served from memory (false: read from disk per batch) */
  readonly inMemory: boolean;
  /** read counters, for tests and benchmarks */
  readonly io: { reads: number; bytesRead: number };
  split(name: SplitName): SplitView | undefined;
  /** Copies the samples in `slots` into out (sample i at i * sampleBytes). */
  read(slots: ArrayLike<number>, out: Uint8Array): Promise<void>;
  /** Exact per-channel mean/std in [0,1] units over a split's samples. */
  channelStats(name: SplitName): ChannelStats;
  close(): Promise<void>;
}

const DEFAULT_MEMORY_BUDGET = 512 * 1024 * 1024;

function allEntries(scan: ScanResult): ImageEntry[] {
  const seen = new Set<string>();
  const out: ImageEntry[] = [];
  for (const list of [scan.splits.train, scan.splits.val, scan.splits.test ?? []]) {
    for (const e of list) {
      if (!seen.has(e.rel)) {
        seen.add(e.rel);
        out.push(e);
      }
    }
  }
  return out;
}

/** Width, height pairs; an entry without them (not expected) is taken as the stored size. */
function originalSizes(entries: readonly ManifestEntry[], spec: DecodeSpec): Int32Array {
  const out = new Int32Array(entries.length * 2);
  entries.forEach((e, i) => {
    out[2 * i] = e.width ?? spec.width;
    out[2 * i + 1] = e.height ?? spec.height;
  });
  return out;
}

export async function openDecodeCache(scan: ScanResult, opts: CacheOptions): Promise<DecodeCache> {
  const spec = opts.input;
  const bad = checkDecodeSpec(spec);
  if (bad) throw new DatasetError(bad, scan.root);
  const sb = spec.channels * spec.height * spec.width;
  const key = cacheKey(scan.root, spec, ALPHA_BACKGROUND, sharp.versions.vips ?? 'unknown');
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  const dir = path.join(cacheDir, cacheFolderName(key));
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (e) {
    throw new DatasetError(`cannot create the decode cache folder ${dir}: ${plainFsError(e)}; choose another with --cache-dir or CNN_STUDIO_CACHE`, dir);
  }

  const old = await readManifest(dir, key);
  const files = allEntries(scan);
  const progress: CacheProgress = { done: 0, total: files.length, decoded: 0, failed: 0 };
  const keep: Array<[string, ManifestEntry]> = [];
  const misses: ImageEntry[] = [];
  for (const f of files) {
    const e = old?.entries[f.rel];
    if (e && e.size === f.size && e.mtimeMs === f.mtimeMs && (e.slot !== undefined || e.error !== undefined)) keep.push([f.rel, e]);
    else misses.push(f);
  }
  progress.done = keep.length;
  opts.onProgress?.({ ...progress });
  const removed = old ? Object.keys(old.entries).length - keep.length : 0;
  const liveKept = keep.filter(([, e]) => e.slot !== undefined).length;

  // One Buffer holds at most 2 GiB; larger caches stream whatever the budget says.
  const budget = Math.min(opts.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET, 2 ** 31 - 1);
  let manifest: Manifest;
  let written: Buffer | null = null;
  const unreadable: FileIssue[] = [];
  const opened: CacheOpenStats = { total: files.length, hits: keep.length, decoded: 0, failed: 0, copied: 0, rewritten: false, evicted: [], overCap: false };
  if (old && misses.length === 0 && removed === 0) {
    manifest = old;
  } else if (old && misses.length === 0 && liveKept * 2 >= old.slots) {
    manifest = { ...old, entries: Object.fromEntries(keep) };
    await atomicWrite(path.join(dir, 'manifest.json'), JSON.stringify(manifest)).catch((e: unknown) => {
      throw cacheWriteError(e, dir);
    });
  } else {
    const entries: Record<string, ManifestEntry> = {};
    let r: Rewrite;
    try {
      r = await rewriteData(dir, old, keep, misses, entries, spec, opts, progress, unreadable, budget);
    } catch (e) {
      throw cacheWriteError(e, dir);
    }
    manifest = { format: CACHE_FORMAT, version: CACHE_VERSION, key, dataFile: r.dataFile, sampleBytes: sb, slots: r.slots, entries };
    try {
      await atomicWrite(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    } catch (e) {
      await fs.rm(path.join(dir, r.dataFile), { force: true });
      throw cacheWriteError(e, dir);
    }
    if (old && old.dataFile !== r.dataFile) await fs.rm(path.join(dir, old.dataFile), { force: true }).catch(() => undefined);
    Object.assign(opened, { decoded: r.decoded, failed: r.failed, copied: r.copied, rewritten: true });
    written = r.memory;
  }
  await removeStale(dir, manifest.dataFile);
  await touchCache(dir);
  const eviction = await evictToCap(cacheDir, opts.maxBytes ?? readConfig().datasetCacheMaxBytes, dir).catch(() => null);
  if (eviction) Object.assign(opened, { evicted: eviction.removed, overCap: eviction.keptOverCap });

  // Split views over usable samples, and the report of unusable ones.
  const report: FileIssue[] = [...unreadable];
  for (const f of files) {
    const err = manifest.entries[f.rel]?.error;
    if (err !== undefined) report.push({ path: f.path, reason: err });
  }
  report.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const views = new Map<SplitName, SplitView>();
  const splitLists: Array<[SplitName, ImageEntry[] | undefined]> = [
    ['train', scan.splits.train],
    ['val', scan.splits.val],
    ['test', scan.splits.test],
  ];
  for (const [name, list] of splitLists) {
    if (!list) continue;
    const ok = list.filter((f) => manifest.entries[f.rel]?.slot !== undefined);
    views.set(name, {
      name,
      count: ok.length,
      paths: ok.map((f) => f.path),
      rels: ok.map((f) => f.rel),
      labels: Int32Array.from(ok, (f) => f.label),
      slots: Int32Array.from(ok, (f) => manifest.entries[f.rel]!.slot!),
      sizes: spec.recordSize
        ? originalSizes(
            ok.map((f) => manifest.entries[f.rel]!),
            spec,
          )
        : null,
    });
  }

  const reader = await openSampleReader(path.join(dir, manifest.dataFile), manifest.slots, sb, budget, written);

  const channelStats = (name: SplitName): ChannelStats => {
    const v = views.get(name);
    const acc = new ChannelStatsAccumulator(spec.channels, spec.height * spec.width);
    if (v)
      for (const rel of v.rels) {
        const e = manifest.entries[rel]!;
        acc.addSums(e.sum ?? [], e.sq ?? []);
      }
    return acc.result();
  };

  return {
    dir,
    spec,
    classes: scan.classes,
    sampleBytes: sb,
    report,
    opened,
    inMemory: reader.inMemory,
    io: reader.io,
    split: (name) => views.get(name),
    read: reader.read,
    channelStats,
    close: reader.close,
  };
}
