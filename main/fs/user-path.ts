/**
 * Paths as people type them: `~` and `~/x` mean the home folder, as in a shell. Only the user's
 * own home is expanded (`~other/x` is left as a relative name: the studio does not look up other
 * users). Everything else resolves against the process's working folder, as path.resolve does.
 */
import os from 'node:os';
import path from 'node:path';

export function resolveUserPath(p: string, home: string = os.homedir()): string {
  if (p === '~') return path.resolve(home);
  if (p.startsWith('~/') || (path.sep === '\\' && p.startsWith('~\\'))) return path.resolve(home, p.slice(2));
  return path.resolve(p);
}
