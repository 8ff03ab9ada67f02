/**
 * `cnn-studio cache list|clear`: what the decoded-image cache holds, and removing it.
 * Only folders the studio wrote are listed or removed (main/data/cache-admin.ts); a dataset's own
 * images are never touched: clearing a cache only means decoding them again next time.
 */
import type { Command } from 'commander';
import path from 'node:path';
import { cachesOfDataset, listCaches, removeCache, type CacheFolderInfo } from '../data/cache-admin';
import { defaultCacheDir } from '../data/cache-dir';
import { readConfig } from '../config';
import { resolveUserPath } from '../fs/user-path';
import { plainFsError } from '../fs/user-paths';
import { CACHE_DIR_HELP } from './cache-flag';
import { humanBytes } from './info';
import { CliError, type CliIO } from './io';

interface CacheFlags {
  cacheDir?: string;
  json?: boolean;
  all?: boolean;
}

function cacheFolder(o: CacheFlags): string {
  return o.cacheDir === undefined ? defaultCacheDir() : resolveUserPath(o.cacheDir);
}

async function listOrExplain(dir: string): Promise<CacheFolderInfo[]> {
  try {
    return await listCaches(dir);
  } catch (e) {
    throw new CliError(`cannot read the cache folder ${dir}: ${plainFsError(e)}`);
  }
}

function ageText(ms: number, now: number): string {
  const minutes = Math.max(0, Math.round((now - ms) / 60000));
  if (minutes < 60) return `${minutes} min ago`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} h ago`;
  return `${Math.round(minutes / (24 * 60))} days ago`;
}

function listText(dir: string, list: readonly CacheFolderInfo[], capBytes: number): string[] {
  const total = list.reduce((s, f) => s + f.bytes, 0);
  const lines = [`${dir}: ${list.length} dataset cache${list.length === 1 ? '' : 's'}, ${humanBytes(total)} of ${humanBytes(capBytes)} (CNN_STUDIO_CACHE_MAX)`];
  const now = Date.now();
  for (const f of list)
    lines.push(
      `  ${humanBytes(f.bytes).padStart(10)}  ${String(f.images).padStart(7)} images  ${f.input.padEnd(22)}  ${ageText(f.lastUsedMs, now).padEnd(12)}  ${f.root}`,
    );
  return lines;
}

async function clearCaches(dir: string, dataset: string | undefined, o: CacheFlags, io: CliIO): Promise<void> {
  if (dataset === undefined && !o.all) throw new CliError('cache clear: name a dataset folder, or --all to remove every dataset cache');
  if (dataset !== undefined && o.all) throw new CliError('cache clear: give a dataset folder or --all, not both');
  const root = dataset === undefined ? undefined : path.resolve(resolveUserPath(dataset));
  const all = await listOrExplain(dir);
  const targets = root === undefined ? all : cachesOfDataset(all, root);
  if (root !== undefined && targets.length === 0) throw new CliError(`no cache of ${root} in ${dir} (cnn-studio cache list shows what is there)`);
  let freed = 0;
  for (const f of targets) {
    try {
      if (await removeCache(f.dir)) freed += f.bytes;
    } catch (e) {
      throw new CliError(`cannot remove ${f.dir}: ${plainFsError(e)}`);
    }
  }
  if (o.json) io.out(JSON.stringify({ removed: targets.map((f) => f.dir), bytes: freed }));
  else io.out(`removed ${targets.length} dataset cache${targets.length === 1 ? '' : 's'} (${humanBytes(freed)}); the images themselves are untouched`);
}

export function registerCache(program: Command, io: CliIO): void {
  const cache = program.command('cache').description('the decoded-image cache: list what it holds, or clear it');
  cache
    .command('list')
    .description('every dataset cache: size, images, input size, last use, dataset folder')
    .option('--cache-dir <DIR>', CACHE_DIR_HELP)
    .option('--json', 'print one JSON object')
    .action(async (o: CacheFlags) => {
      const dir = cacheFolder(o);
      const list = await listOrExplain(dir);
      const capBytes = readConfig().datasetCacheMaxBytes;
      if (o.json) io.out(JSON.stringify({ dir, capBytes, bytes: list.reduce((s, f) => s + f.bytes, 0), caches: list }, null, 2));
      else io.out(listText(dir, list, capBytes).join('\n'));
    });
  cache
    .command('clear')
    .description("remove a dataset's decoded images from the cache (they are decoded again when next used)")
    .argument('[dataset]', 'the dataset folder whose caches to remove')
    .option('--all', 'remove every dataset cache')
    .option('--cache-dir <DIR>', CACHE_DIR_HELP)
    .option('--json', 'print one JSON object')
    .action((dataset: string | undefined, o: CacheFlags) => clearCaches(cacheFolder(o), dataset, o, io));
}
