/**
 * Writing the decode cache: a new data file (unchanged samples copied, new ones decoded) under a
 * temp name, renamed when complete; old generations and abandoned temp files cleaned up.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { plainFsError } from '../fs/user-paths';
import { randomBytes } from 'node:crypto';
import { decodeBytesAndSize, ImageDecodeFailure, readImageFile, type DecodeSpec } from './decode';
import type { Manifest, ManifestEntry } from './cache-manifest';
import { mapLimit, readAhead } from './pool';
import type { FileHandle } from 'node:fs/promises';
import { DatasetError, type FileIssue } from './errors';
import type { CacheOptions, CacheProgress } from './cache';
import type { ImageEntry } from './scan';

const COPY_CHUNK = 8 * 1024 * 1024;
const STALE_MS = 60 * 60 * 1000;
/**
 * Written bytes flushed to disk in the background every this many: the data file must be on disk
 * before it is renamed into place, and one fsync of the whole file at the end cost 120-170 ms of a
 * 2.5 s first pass (600 photos at 224, 90 MB); synced as it grows, the last fsync has little left.
 */
const SYNC_EVERY = 32 * 1024 * 1024;
/** File reads started ahead of the decodes (count, and bytes of the files). */
const READ_AHEAD = { depth: 16, maxBytes: 64 * 1024 * 1024 };

/**
 * fdatasync in the background as a file grows, at most one at a time. finish() syncs the rest and
 * reports any failure; drain() only waits for the one in flight (before closing a failed file).
 */
function syncBehind(out: FileHandle): { wrote(bytes: number): void; finish(): Promise<void>; drain(): Promise<void> } {
  let unsynced = 0;
  let inFlight: Promise<void> | null = null;
  let failure: { error: unknown } | null = null;
  return {
    wrote(bytes) {
      unsynced += bytes;
      if (inFlight || unsynced < SYNC_EVERY) return;
      unsynced = 0;
      inFlight = out
        .datasync()
        .catch((error: unknown) => {
          failure ??= { error };
        })
        .finally(() => {
          inFlight = null;
        });
    },
    async finish() {
      await inFlight;
      if (failure) throw failure.error;
      await out.sync();
    },
    async drain() {
      await inFlight;
    },
  };
}

function newDataName(): string {
  return `samples-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}.u8`;
}

/** Deletes data files and temp files no manifest refers to, once they are old enough not to be another process's work in progress. */
export async function removeStale(dir: string, keep: string): Promise<void> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return;
  }
  const now = Date.now();
  for (const n of names) {
    if (n === keep || !(/^samples-.*\.u8$/.test(n) || /^\..*\.tmp$/.test(n))) continue;
    try {
      const st = await fs.stat(path.join(dir, n));
      if (now - st.mtimeMs > STALE_MS) await fs.rm(path.join(dir, n), { force: true });
    } catch {
      // Gone already, or in use on Windows: next time.
    }
  }
}

export interface Rewrite {
  dataFile: string;
  slots: number;
  copied: number;
  decoded: number;
  failed: number;
  /** The data file's contents, when they fit the memory budget: the reader needs no second read of the file. */
  memory: Buffer | null;
}

/**
 * Writes a new data file: unchanged samples copied from the old one, then new decodes. Fills `entries`.
 * When the new file fits `memoryBudget`, its contents are also kept in memory (Rewrite.memory).
 */
export async function rewriteData(
  dir: string,
  old: Manifest | null,
  keep: Array<[string, ManifestEntry]>,
  misses: ImageEntry[],
  entries: Record<string, ManifestEntry>,
  spec: DecodeSpec,
  opts: CacheOptions,
  progress: CacheProgress,
  unreadable: FileIssue[],
  memoryBudget: number,
): Promise<Rewrite> {
  const sb = spec.channels * spec.height * spec.width;
  const dataFile = newDataName();
  const tmp = path.join(dir, `.${dataFile}.${randomBytes(4).toString('hex')}.tmp`);
  const out = await fs.open(tmp, 'wx', 0o644);
  const synced = syncBehind(out);
  const live = keep.filter(([, e]) => e.slot !== undefined).sort((a, b) => a[1].slot! - b[1].slot!);
  const maxSlots = live.length + misses.length;
  // Every byte of mem below slot * sb is written before it is read (allocUnsafe is not zeroed).
  const mem = maxSlots * sb <= memoryBudget ? Buffer.allocUnsafe(maxSlots * sb) : null;
  let slot = 0;
  let copied = 0;
  let decoded = 0;
  let failed = 0;
  try {
    // 1. Unchanged samples: copy runs of consecutive old slots in big reads.
    for (const [rel, e] of keep) if (e.slot === undefined) entries[rel] = e;
    if (old && live.length > 0) {
      const src = await fs.open(path.join(dir, old.dataFile), 'r');
      try {
        const perChunk = Math.max(1, Math.floor(COPY_CHUNK / sb));
        // Without kept memory, one chunk-sized buffer carries each run from the old file to the new.
        const chunk = mem ? null : Buffer.allocUnsafe(perChunk * sb);
        let i = 0;
        while (i < live.length) {
          let j = i + 1;
          while (j < live.length && j - i < perChunk && live[j]![1].slot === live[j - 1]![1].slot! + 1) j++;
          const n = j - i;
          // Read straight into the kept memory when there is one (at this run's slots).
          const [buf, at] = mem ? [mem, slot * sb] : [chunk!, 0];
          const { bytesRead } = await src.read(buf, at, n * sb, live[i]![1].slot! * sb);
          if (bytesRead !== n * sb) throw new Error(`cache data file ${old.dataFile} is shorter than its manifest says`);
          await out.write(buf, at, n * sb, slot * sb);
          synced.wrote(n * sb);
          for (let k = i; k < j; k++) {
            const [rel, e] = live[k]!;
            entries[rel] = { ...e, slot: slot++ };
          }
          copied += n;
          i = j;
        }
      } finally {
        await src.close();
      }
    }
    // 2. New or changed files: decode with bounded concurrency, append in completion order.
    // Two images in flight per core: while libvips decodes one, the other's file read, CHW copy, sums and
    // cache write run in JavaScript. Photo-sized JPEGs at 224 on 2 cores: 310-330 images/s against 255-290
    // with one per core (sharp's own threads changed nothing measurable).
    const conc = Math.max(1, opts.concurrency ?? 2 * os.availableParallelism());
    const fileBytes = readAhead(misses, { ...READ_AHEAD, bytesOf: (e) => e.size }, (e) => readImageFile(e.path));
    await mapLimit(misses, conc, async (e, i) => {
      if (opts.signal?.aborted) throw new DatasetError('decoding cancelled', e.path);
      const base = { size: e.size, mtimeMs: e.mtimeMs };
      try {
        // The sums (for the split's mean and std) come from the decode's own pass over the pixels.
        const { pixels, size, sums } = await decodeBytesAndSize(await fileBytes(i), e.path, spec);
        const s = slot++;
        const u8 = mem ? mem.subarray(s * sb, (s + 1) * sb) : pixels;
        if (mem) u8.set(pixels);
        await out.write(u8, 0, sb, s * sb);
        synced.wrote(sb);
        entries[e.rel] = { ...base, slot: s, sum: sums.sum, sq: sums.sq, ...size };
        decoded++;
        progress.decoded++;
      } catch (err) {
        if (!(err instanceof ImageDecodeFailure)) throw err;
        // Bad content is remembered (until the file changes); a failed read is retried next run.
        if (err.fromContent) entries[e.rel] = { ...base, error: err.reason };
        else unreadable.push({ path: e.path, reason: err.reason });
        failed++;
        progress.failed++;
      }
      progress.done++;
      opts.onProgress?.({ ...progress });
    });
    await synced.finish();
    await out.close();
  } catch (e) {
    await synced.drain();
    await out.close().catch(() => undefined);
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await fs.rename(tmp, path.join(dir, dataFile));
  return { dataFile, slots: slot, copied, decoded, failed, memory: mem ? mem.subarray(0, slot * sb) : null };
}

/** File-system failures while writing the cache, as a DatasetError that says what to do. */
export function cacheWriteError(e: unknown, dir: string): unknown {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return new DatasetError(`no space left for the decode cache in ${dir}: free some space or choose another cache folder`, dir);
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
    return new DatasetError(`cannot write the decode cache in ${dir} (${plainFsError(e)}): choose a writable cache folder with --cache-dir`, dir);
  return e;
}
