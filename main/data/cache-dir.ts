import os from 'node:os';
import path from 'node:path';

/**
 * Where decoded datasets live unless the caller says otherwise: the platform's per-user cache
 * folder (XDG_CACHE_HOME or ~/.cache on Linux, ~/Library/Caches on macOS, %LOCALAPPDATA% on
 * Windows), under cnn-studio/datasets. CNN_STUDIO_CACHE overrides it.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CNN_STUDIO_CACHE) return path.resolve(env.CNN_STUDIO_CACHE);
  const home = os.homedir();
  let base: string;
  if (process.platform === 'win32') base = env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local');
  else if (process.platform === 'darwin') base = path.join(home, 'Library', 'Caches');
  else base = env.XDG_CACHE_HOME ?? path.join(home, '.cache');
  return path.join(base, 'cnn-studio', 'datasets');
}
