/**
 * The decode cache folder flag, named the same on every command that decodes images (dataset,
 * train, eval): --cache-dir. train and eval once called it --cache; that spelling still works,
 * hidden from the help, with a warning naming the new one.
 */
import { Option, type Command } from 'commander';
import type { CliIO } from './io';

export const CACHE_DIR_HELP = 'where decoded images are cached (default: the per-user cache folder, or $CNN_STUDIO_CACHE)';

export interface CacheDirFlags {
  cacheDir?: string;
  cache?: string;
}

export function addCacheDirOption(cmd: Command): Command {
  return cmd.option('--cache-dir <DIR>', CACHE_DIR_HELP).addOption(new Option('--cache <DIR>', 'deprecated spelling of --cache-dir').hideHelp());
}

/** The folder asked for, if any; the old --cache spelling is accepted with a warning. */
export function cacheDirFlag(o: CacheDirFlags, io: CliIO): string | undefined {
  if (o.cache !== undefined) io.err('warning: --cache is now called --cache-dir (the old name will go away)');
  return o.cacheDir ?? o.cache;
}
