/**
 * The decode cache's manifest: which file (by path relative to the dataset root, size and mtime)
 * sits in which fixed-size slot of the data file, or why it could not be decoded.
 * Plain JSON, written atomically; anything unexpected in it means "no cache".
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { DecodeSpec } from './decode';

export const CACHE_FORMAT = 'cnn-studio-decode-cache';
export const CACHE_VERSION = 1;

/** Everything that changes the decoded bytes; its hash names the cache folder. */
export interface CacheKey {
  root: string;
  channels: number;
  height: number;
  width: number;
  resize: string;
  alphaBackground: string;
  /** libvips version: a new decoder may round differently */
  vips: string;
  layout: 'CHW-uint8';
  /** present (true) in storage-resolution caches, which record each image's own size */
  recordSize?: true;
}

export interface ManifestEntry {
  size: number;
  mtimeMs: number;
  /** sample index in the data file; absent when the file could not be decoded */
  slot?: number;
  /** per-channel sum and sum of squares of the uint8 sample (for exact mean/std) */
  sum?: number[];
  sq?: number[];
  /** why the file was left out */
  error?: string;
  /** the image's own size (storage-resolution caches only: DecodeSpec.recordSize) */
  width?: number;
  height?: number;
}

export interface Manifest {
  format: typeof CACHE_FORMAT;
  version: typeof CACHE_VERSION;
  key: CacheKey;
  /** file name of the data file in the cache folder */
  dataFile: string;
  sampleBytes: number;
  /** slots written in the data file (live ones plus any left by removed files) */
  slots: number;
  entries: Record<string, ManifestEntry>;
}

export function cacheKey(root: string, spec: DecodeSpec, alphaBackground: string, vips: string): CacheKey {
  // recordSize only when set, so the folders of caches written before it existed keep their names.
  return {
    root,
    channels: spec.channels,
    height: spec.height,
    width: spec.width,
    resize: spec.resize,
    alphaBackground,
    vips,
    layout: 'CHW-uint8',
    ...(spec.recordSize ? { recordSize: true as const } : {}),
  };
}

export function cacheFolderName(key: CacheKey): string {
  return createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 20);
}

function sameKey(a: CacheKey, b: CacheKey): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The manifest in `dir` if it is ours, matches `key` and its data file is whole; else null. */
export async function readManifest(dir: string, key: CacheKey): Promise<Manifest | null> {
  let m: Manifest;
  try {
    m = JSON.parse(await fs.readFile(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    return null;
  }
  if (!m || m.format !== CACHE_FORMAT || m.version !== CACHE_VERSION || !m.key || !sameKey(m.key, key)) return null;
  if (typeof m.dataFile !== 'string' || path.basename(m.dataFile) !== m.dataFile || typeof m.entries !== 'object' || m.entries === null) return null;
  const sb = key.channels * key.height * key.width;
  if (m.sampleBytes !== sb || !Number.isInteger(m.slots) || m.slots < 0) return null;
  try {
    const st = await fs.stat(path.join(dir, m.dataFile));
    if (st.size < m.slots * sb) return null;
  } catch {
    return null;
  }
  return m;
}
