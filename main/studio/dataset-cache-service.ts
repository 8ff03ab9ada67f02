/**
 * The Dataset panel's view of the decode cache: how much a folder's decoded images take, how much
 * all datasets take against the cap, and clearing one folder's caches (its images stay untouched).
 */
import { StudioError, type DatasetCacheUsage } from '../../core/api';
import { cachesOfDataset, listCaches, removeCache } from '../data/cache-admin';
import { defaultCacheDir } from '../data/cache-dir';
import { readConfig } from '../config';
import { plainFsError } from '../fs/user-paths';

export async function datasetCacheUsage(root: string, cacheDir: string = defaultCacheDir()): Promise<DatasetCacheUsage> {
  let list;
  try {
    list = await listCaches(cacheDir);
  } catch (e) {
    throw new StudioError('cache-unreadable', `cannot read the cache folder ${cacheDir}: ${plainFsError(e)}`);
  }
  const mine = cachesOfDataset(list, root);
  return {
    dir: cacheDir,
    datasetBytes: mine.reduce((s, f) => s + f.bytes, 0),
    inputs: mine.map((f) => f.input),
    totalBytes: list.reduce((s, f) => s + f.bytes, 0),
    capBytes: readConfig().datasetCacheMaxBytes,
  };
}

export async function clearDatasetCache(root: string, cacheDir: string = defaultCacheDir()): Promise<DatasetCacheUsage> {
  for (const f of cachesOfDataset(await listCaches(cacheDir).catch(() => []), root)) {
    try {
      await removeCache(f.dir);
    } catch (e) {
      throw new StudioError('write-failed', `cannot remove the cache ${f.dir}: ${plainFsError(e)}`);
    }
  }
  return datasetCacheUsage(root, cacheDir);
}
