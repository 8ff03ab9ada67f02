/**
 * Issue 22, item 11: a full disk. A write that fails names the file and says the disk is full
 * (not "ENOSPC: no space left on device, write"); `train` adds what to do; a PyTorch export
 * leaves no partial folder. The real disk-full cases run on a small tmpfs, which needs root and
 * mount(8): elsewhere only the message mapping runs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeProject } from '../../../core/graph/project';
import type { ModelDocument } from '../../../core/graph/types';
import { runCli } from '../../../main/cli';
import { atomicWrite, WriteFailure, writeProblem } from '../../../main/fs/atomic-write';
import { writeFolder } from '../../../main/fs/write-folder';
import { startTraining } from '../../../main/trainer/start';
import { capture } from '../../helpers/cli-io';
import { makeDataset, options, tinyProject } from '../../helpers/trainer-fixtures';
import { tempDir } from '../../helpers/temp-dir';

function enospc(): NodeJS.ErrnoException {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
}

describe('write errors in words', () => {
  it('maps system codes to sentences and keeps the code', () => {
    expect(writeProblem(enospc())).toBe('the disk is full (no space left on device)');
    expect(writeProblem(Object.assign(new Error('EROFS: read-only file system, open'), { code: 'EROFS' }))).toBe('the file system is read-only');
    expect(writeProblem(new Error('EWHATEVER: odd thing'))).toBe('odd thing');
    const f = new WriteFailure('/x/last.ckpt', 'ENOSPC', writeProblem(enospc()));
    expect(f.message).toBe('/x/last.ckpt: cannot write: the disk is full (no space left on device)');
  });
});

/** A 1 MiB tmpfs, or null where it cannot be mounted (not root, no mount, not Linux). */
function mountSmallDisk(): string | null {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return null;
  const dir = tempDir('cnn-full-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    return null;
  }
}

/** Fills the disk at `dir` so that only `leave` bytes stay free. */
function fillLeaving(dir: string, leave: number): void {
  const st = statfsSync(dir);
  const free = st.bavail * st.bsize;
  writeFileSync(path.join(dir, `filler-${leave}`), Buffer.alloc(Math.max(0, free - leave)));
}

let disk: string | null = null;
beforeAll(() => {
  disk = mountSmallDisk();
});
afterAll(async () => {
  if (disk) {
    execFileSync('umount', [disk]);
  }
});

describe.runIf(process.platform === 'linux' && process.getuid?.() === 0)('on a full disk (tmpfs)', () => {
  it('atomicWrite names the file, says the disk is full and leaves no temp file', async () => {
    expect(disk, 'tmpfs could not be mounted').not.toBeNull();
    const dir = path.join(disk!, 'a');
    mkdirSync(dir);
    fillLeaving(disk!, 0);
    const target = path.join(dir, 'big.ckpt');
    const err = await atomicWrite(target, new Uint8Array(64 * 1024)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WriteFailure);
    expect((err as Error).message).toBe(`${target}: cannot write: the disk is full (no space left on device)`);
    expect(readdirSync(dir)).toEqual([]);
    rmSync(path.join(disk!, 'filler-0'));
  });

  it('writeFolder (the PyTorch export) leaves no partial folder, and keeps an existing one as it was', async () => {
    fillLeaving(disk!, 16 * 1024);
    const files = [
      { path: 'model.py', data: 'x = 1\n' },
      { path: 'weights.safetensors', data: new Uint8Array(256 * 1024) },
    ];
    const fresh = path.join(disk!, 'torch-new');
    await expect(writeFolder(fresh, files)).rejects.toThrow(/weights\.safetensors: cannot write: the disk is full/);
    expect(existsSync(fresh)).toBe(false);
    // Parent folders it had to make go too.
    await expect(writeFolder(path.join(disk!, 'made', 'deeper', 'torch'), files)).rejects.toThrow(/disk is full/);
    expect(existsSync(path.join(disk!, 'made'))).toBe(false);
    expect(readdirSync(disk!).filter((f) => f.includes('torch'))).toEqual([]);
    const old = path.join(disk!, 'torch-old');
    mkdirSync(old);
    writeFileSync(path.join(old, 'model.py'), 'old\n');
    await expect(writeFolder(old, files)).rejects.toThrow(/disk is full/);
    expect(readdirSync(old)).toEqual(['model.py']);
    rmSync(path.join(disk!, 'filler-16384'));
    rmSync(old, { recursive: true });
  });

  it('export-pytorch on the CLI: one error line, nothing written', async () => {
    const project = path.join(tempDir('trainer-'), 'lenet.json');
    expect(await runCli(['template', 'lenet5', '-o', project], capture())).toBe(0);
    fillLeaving(disk!, 8 * 1024);
    const out = path.join(disk!, 'lenet-torch');
    const io = capture();
    expect(await runCli(['export-pytorch', project, '-o', out], io)).toBe(1);
    expect(io.stderr).toMatch(new RegExp(`nothing written to ${out}: .*: cannot write: the disk is full`));
    expect(existsSync(out)).toBe(false);
    rmSync(path.join(disk!, 'filler-8192'));
  });

  it('train: the failure names the file, says the disk is full and what to do', async () => {
    const dir = tempDir('trainer-');
    const data = await makeDataset(path.join(dir, 'data'), { perClass: 8 });
    const p = tinyProject();
    writeFileSync(path.join(dir, 'p.json'), serializeProject({ name: p.name, model: p.model as ModelDocument, extra: {} }));
    const out = path.join(disk!, 'run');
    // Room for the run folder, its probe, project.json and run.json, not for the checkpoints.
    fillLeaving(disk!, 12 * 1024);
    const run = startTraining(options(tinyProject(), data, out, tempDir('trainer-'), { epochs: 1 }), { mode: 'inline' });
    const end = await run.finished;
    expect(end).toMatchObject({ type: 'failed', code: 'disk-full' });
    expect(end.type === 'failed' && end.message).toMatch(
      new RegExp(`${out}/[a-z.]+: cannot write: the disk is full \\(no space left on device\\); free some space, then continue the run with --resume`),
    );
    rmSync(path.join(disk!, 'filler-12288'));
  }, 60_000);
});

describe('writeFolder on a disk with room', () => {
  it('makes missing parent folders, writes every file, and replaces files in an existing folder', async () => {
    const root = tempDir('trainer-');
    const out = path.join(root, 'a', 'b', 'torch');
    await writeFolder(out, [
      { path: 'model.py', data: 'x = 1\n' },
      { path: 'pkg/util.py', data: 'y = 2\n' },
    ]);
    expect(readdirSync(out).sort()).toEqual(['model.py', 'pkg']);
    await writeFolder(out, [{ path: 'model.py', data: 'x = 3\n' }]);
    expect(readdirSync(out).sort()).toEqual(['model.py', 'pkg']);
    expect(readFileSync(path.join(out, 'model.py'), 'utf8')).toBe('x = 3\n');
    expect(readdirSync(path.join(root, 'a', 'b'))).toEqual(['torch']);
  });
});
