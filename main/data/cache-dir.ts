import { readConfig, type Env } from '../config';

/**
 * Where decoded datasets live unless the caller says otherwise: CNN_STUDIO_CACHE, else the
 * platform's per-user cache folder (XDG_CACHE_HOME or ~/.cache on Linux, ~/Library/Caches on
 * macOS, %LOCALAPPDATA% on Windows) under cnn-studio/datasets (main/config.ts).
 */
export function defaultCacheDir(env: Env = process.env): string {
  return readConfig(env).datasetCache;
}
