/**
 * Issue 22, item 5: a device, a FIFO or a folder named where a file is expected is refused at once
 * with the path in the message; reads are capped by the limit, not by the size fstat reports
 * (0 for /dev/zero and for /proc files). Before the fix, `import /dev/zero` grew past 4 GB and a
 * FIFO blocked open() forever; every case here runs under a short timeout.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../main/cli';
import { readRegularFile } from '../../../main/fs/read-regular-file';
import { applyStartingWeights } from '../../../main/trainer/starting-weights';
import { capture } from '../../helpers/cli-io';
import { testBackend } from '../../helpers/test-backend';
import { tempDir } from '../../helpers/temp-dir';

function fifo(): string {
  const f = path.join(tempDir('cnn-fifo-'), 'pipe.onnx');
  execFileSync('mkfifo', [f]);
  return f;
}

const posix = process.platform !== 'win32' && existsSync('/dev/zero');

describe.runIf(posix)('readRegularFile', () => {
  it('refuses a device, a FIFO and a folder, naming the path and what it is', async () => {
    await expect(readRegularFile('/dev/zero', { limit: 1024, what: 'a project file' })).rejects.toThrow('/dev/zero: is a device, not a project file');
    const f = fifo();
    await expect(readRegularFile(f, { limit: 1024, what: 'a project file' })).rejects.toThrow(`${f}: is a named pipe (FIFO), not a project file`);
    const d = tempDir();
    await expect(readRegularFile(d, { limit: 1024, what: 'a project file' })).rejects.toThrow(`${d}: is a folder, not a project file`);
    await expect(readRegularFile(path.join(d, 'none'), { limit: 1024, what: 'x' })).rejects.toThrow(`${path.join(d, 'none')}: no such file`);
  }, 5000);

  it('caps a file that reports size 0 (/proc) by the limit, and reads it whole under the limit', async () => {
    if (!existsSync('/proc/self/status')) return;
    await expect(readRegularFile('/proc/self/status', { limit: 16, what: 'a status file' })).rejects.toThrow(
      /\/proc\/self\/status: is over 16 bytes, larger than a status file can be/,
    );
    const whole = await readRegularFile('/proc/self/status', { limit: 1 << 20, what: 'a status file' });
    expect(whole.toString('utf8')).toMatch(/^Name:/);
  });

  it('reads a regular file exactly, and refuses one over the limit by its size', async () => {
    const f = path.join(tempDir(), 'a.bin');
    writeFileSync(f, Buffer.from([1, 2, 3, 4, 5]));
    expect([...(await readRegularFile(f, { limit: 5, what: 'x' }))]).toEqual([1, 2, 3, 4, 5]);
    await expect(readRegularFile(f, { limit: 4, what: 'a thing' })).rejects.toThrow(`${f}: is 5 bytes, larger than a thing can be (at most 4 bytes)`);
  });
});

async function cliFails(...argv: string[]): Promise<string> {
  const io = capture();
  expect(await runCli(argv, io)).toBe(1);
  return io.stderr;
}

describe.runIf(posix)('commands refuse non-regular files at once', () => {
  it('import, info, predict and export --checkpoint on /dev/zero and on a FIFO', async () => {
    const out = path.join(tempDir(), 'p.json');
    for (const bad of ['/dev/zero', fifo()]) {
      expect(await cliFails('import', bad, '-o', out)).toContain(`${bad}: is a`);
      expect(await cliFails('info', bad)).toContain(`${bad}: is a`);
      expect(await cliFails('predict', bad, '/dev/null')).toContain(`${bad}: is a`);
    }
    const project = path.join(tempDir(), 'tiny.json');
    const t = capture();
    expect(await runCli(['template', 'lenet5', '-o', project], t)).toBe(0);
    for (const bad of ['/dev/zero', fifo()]) {
      expect(await cliFails('export', project, '-o', path.join(tempDir(), 'm.onnx'), '--checkpoint', bad)).toContain(`${bad}: is a`);
      // Given as the project itself (train, export): refused the same way, never read.
      expect(await cliFails('train', bad, '--data', tempDir())).toContain(`${bad}: is a`);
      expect(await cliFails('export', bad, '-o', path.join(tempDir(), 'm.onnx'))).toContain(`${bad}: is a`);
    }
  }, 20000);

  it('train --init-weights: the starting checkpoint is refused the same way', async () => {
    const f = fifo();
    await expect(applyStartingWeights(f, [], new Map())).rejects.toThrow(`cannot start from ${f}: ${f}: is a named pipe (FIFO), not a checkpoint`);
    await expect(applyStartingWeights('/dev/zero', [], new Map())).rejects.toThrow('/dev/zero: is a device, not a checkpoint');
  }, 5000);

  it('the backend: openOnnx and openProject on /dev/zero, a FIFO and a folder', async () => {
    const b = testBackend();
    const f = fifo();
    await expect(b.openOnnx({ path: '/dev/zero' })).rejects.toThrow('/dev/zero: is a device, not an .onnx file');
    await expect(b.openOnnx({ path: f })).rejects.toThrow(`${f}: is a named pipe (FIFO)`);
    await expect(b.openProject({ path: '/dev/zero' })).rejects.toThrow('/dev/zero: is a device, not a project file');
    await expect(b.openProject({ path: f })).rejects.toThrow(`${f}: is a named pipe (FIFO), not a project file`);
    const d = tempDir();
    await expect(b.openProject({ path: d })).rejects.toThrow(`${d}: is a folder, not a project file`);
    // Thumbnails: a FIFO named like an image gets no thumbnail, at once.
    const pipeImage = path.join(tempDir(), 'x.png');
    execFileSync('mkfifo', [pipeImage]);
    expect(await b.imageThumbs({ paths: [pipeImage] })).toEqual({});
  }, 10000);
});
