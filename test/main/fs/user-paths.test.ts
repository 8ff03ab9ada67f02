/** Plain words for file-system errors, and where an output path given as a folder writes. */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { plainFsError, resolveOutputFile, UserPathError } from '../../../main/fs/user-paths';
import { tempDir } from '../../helpers/temp-dir';

const dir = tempDir('user-paths-');

describe('plainFsError', () => {
  it('says what happened without the code, the syscall or a temp name', async () => {
    const eisdir = await fs.readFile(dir).catch((e: unknown) => e);
    expect(plainFsError(eisdir)).toBe('is a folder, not a file');
    const unknown = Object.assign(new Error("EXDEV: cross-device link not permitted, rename '/a/.x.1f.tmp' -> '/b/x'"), { code: 'EXDEV', syscall: 'rename' });
    expect(plainFsError(unknown)).toBe('cross-device link not permitted');
  });
});

describe('resolveOutputFile', () => {
  it('a folder (existing, or ending in a separator) gets the default name; an existing file needs force', async () => {
    mkdirSync(path.join(dir, 'out'));
    expect(await resolveOutputFile(path.join(dir, 'out'), { defaultName: 'm.onnx', force: false })).toBe(path.join(dir, 'out', 'm.onnx'));
    expect(await resolveOutputFile(`${path.join(dir, 'out')}/`, { defaultName: 'm.onnx', force: false })).toBe(path.join(dir, 'out', 'm.onnx'));
    writeFileSync(path.join(dir, 'out', 'm.onnx'), 'old');
    await expect(resolveOutputFile(path.join(dir, 'out'), { defaultName: 'm.onnx', force: false })).rejects.toThrow(
      /m\.onnx exists; pass --force to overwrite it$/,
    );
    expect(await resolveOutputFile(path.join(dir, 'out'), { defaultName: 'm.onnx', force: true })).toBe(path.join(dir, 'out', 'm.onnx'));
    expect(readFileSync(path.join(dir, 'out', 'm.onnx'), 'utf8')).toBe('old');
    mkdirSync(path.join(dir, 'out', 'taken.onnx'));
    await expect(resolveOutputFile(path.join(dir, 'out', 'taken.onnx/'), { defaultName: 'x', force: true })).resolves.toBe(
      path.join(dir, 'out', 'taken.onnx', 'x'),
    );
    await expect(resolveOutputFile(`${dir}/missing/`, { defaultName: 'm.onnx', force: true })).rejects.toBeInstanceOf(UserPathError);
  });
});

describe('system errors across the API boundary', () => {
  it('toWireError says a file-system error plainly and names the file asked for, not a temp file', async () => {
    const { toWireError } = await import('../../../core/api');
    const tmp = path.join(dir, '.x.onnx.1f2e.tmp');
    writeFileSync(tmp, 'data');
    mkdirSync(path.join(dir, 'x.onnx'));
    const e = await fs.rename(tmp, path.join(dir, 'x.onnx')).catch((err: unknown) => err);
    const wire = toWireError(e);
    expect(wire).toEqual({ code: 'file-error', message: `${path.join(dir, 'x.onnx')}: is a folder, not a file` });
    expect(toWireError(new Error('plain'))).toEqual({ code: 'internal', message: 'plain' });
  });
});
