/**
 * File-system errors in plain words, for every place an error reaches a person (CLI lines, the
 * studio's messages). Pure TypeScript: it reads only the fields Node puts on its errors (code,
 * syscall, path), so the API boundary in core can use it too.
 */

/** The fields of a Node file-system error (NodeJS.ErrnoException) this module reads. */
interface SystemErrorFields {
  code?: unknown;
  syscall?: unknown;
  path?: unknown;
  dest?: unknown;
}

const PLAIN: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EEXIST: 'already exists',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links (a link loop?)',
  EMFILE: 'too many open files',
  EBUSY: 'the file is in use',
  EIO: 'an input/output error (a failing disk or a network share that went away?)',
};

/**
 * A file-system error in plain words. Node's own text ("EISDIR: illegal operation on a
 * directory, read") is used only for a code not listed above, without the code and syscall.
 */
export function plainFsError(e: unknown): string {
  const code = (e as SystemErrorFields | null)?.code;
  if (typeof code === 'string' && PLAIN[code]) return PLAIN[code]!;
  const text = e instanceof Error ? e.message : String(e);
  return text.replace(/^[A-Z0-9_]+: /, '').replace(/, \w+(?: '[^']*'(?: -> '[^']*')?)?$/, '');
}

/** True for an error a system call raised (it has an errno code such as ENOENT and the call's name). */
export function isSystemError(e: unknown): e is Error & { code: string; syscall: string; path?: string; dest?: string } {
  const f = e as SystemErrorFields | null;
  return e instanceof Error && typeof f?.code === 'string' && /^E[A-Z0-9]+$/.test(f.code) && typeof f.syscall === 'string';
}

/**
 * "<path>: <plain words>" for a system error, so a message never shows a bare code. A failed
 * rename names its destination (the file the person asked for), not the temp file it came from.
 */
export function describeSystemError(e: Error & { path?: string; dest?: string }): string {
  const where = typeof e.dest === 'string' ? e.dest : e.path;
  return `${typeof where === 'string' ? `${where}: ` : ''}${plainFsError(e)}`;
}
