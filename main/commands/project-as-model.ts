/**
 * A project file given where an ONNX model is expected (predict, eval, import) gets advice in
 * command-line terms: how to get a model from it.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { CliError } from './io';

/** True when the file starts like JSON text (a project), judged from its first bytes. */
function startsLikeJson(file: string): boolean {
  let fd: number | null = null;
  try {
    // Non-blocking, and only a regular file is read: a FIFO or device is the command's reader's to refuse.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    if (!fstatSync(fd).isFile()) return false;
    const head = Buffer.alloc(64);
    const n = readSync(fd, head, 0, head.length, 0);
    const text = head
      .subarray(0, n)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trimStart();
    return text.startsWith('{');
  } catch {
    return false; // unreadable: the command's own reader reports it
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** Throws the CLI's advice when `file` is a JSON text file (a CNN Studio project) instead of a model. */
export function refuseProjectAsModel(file: string, command: 'predict' | 'eval' | 'import' | 'explain'): void {
  if (!startsLikeJson(file)) return;
  const train = `"cnn-studio train ${file} --data DIR"`;
  const advice =
    command === 'import'
      ? `it is already a project: open it in the studio ("cnn-studio serve ${file}") or use it with ${train}`
      : `train it with ${train}, then ${command} with the run folder it writes (runs/<name>-<time>), or export a model with "cnn-studio export ${file} -o model.onnx"`;
  throw new CliError(`${file} is a JSON file (a CNN Studio project?), not an ONNX model: ${advice}`);
}
