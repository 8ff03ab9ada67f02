/**
 * Issue 22, items 6 and 11: `train --resume` on a broken run folder never hangs. A checkpoint whose
 * header parses but names a missing or wrongly sized tensor, one with truncated tensor data, one
 * with a flipped header byte or a flipped data bit, and a run with best.ckpt but no last.ckpt:
 * each exits 1 within the timeout with one error line (before the fix, data-parallel helper
 * threads kept the process alive after the error was printed).
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeProject } from '../../../core/graph/project';
import type { ModelDocument } from '../../../core/graph/types';
import { makeDataset, tinyProject } from '../../helpers/trainer-fixtures';
import { bundleCli } from '../../helpers/cli-io';
import { tempDir } from '../../helpers/temp-dir';

const ROOT = path.resolve(__dirname, '..', '..', '..');
let removeBundle: () => Promise<void> = async () => undefined;
let cli = '';
let data = '';
let projectPath = '';
let goodRun = '';

/** Runs the bundled CLI; resolves with its exit code and stderr, or 'timeout' after `ms`. */
function runCli(args: string[], ms: number): Promise<{ code: number | 'timeout'; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [cli, ...args], { cwd: ROOT, timeout: ms, killSignal: 'SIGKILL' }, (err, _out, stderr) => {
      const killed = child.signalCode === 'SIGKILL';
      resolve({ code: killed ? 'timeout' : err ? ((err as { code?: number }).code ?? 1) : 0, stderr });
    });
  });
}

const trainArgs = (out: string): string[] => [
  'train',
  projectPath,
  '--data',
  data,
  '--out',
  out,
  '--epochs',
  '2',
  '--batch',
  '4',
  '--device',
  'cpu',
  '--threads',
  '2',
  '--no-augment',
];

beforeAll(async () => {
  ({ cli, remove: removeBundle } = await bundleCli('resume'));
  const dir = tempDir('trainer-');
  data = await makeDataset(path.join(dir, 'data'), { perClass: 16, splitFolders: true });
  projectPath = path.join(dir, 'tiny.json');
  const p = tinyProject();
  await fs.writeFile(projectPath, serializeProject({ name: p.name, model: p.model as ModelDocument, extra: {} }));
  // One epoch of a two-epoch run: a run folder with last.ckpt that --resume would continue.
  goodRun = path.join(dir, 'good');
  const r = await runCli([...trainArgs(goodRun), '--epochs', '1'], 120_000);
  expect(r.code, r.stderr).toBe(0);
  // The run is "complete" at 1 epoch; resuming to 2 needs the stored settings to ask for 2.
  const runJson = path.join(goodRun, 'run.json');
  const run = JSON.parse(await fs.readFile(runJson, 'utf8')) as { settings: { epochs: number } };
  run.settings.epochs = 2;
  await fs.writeFile(runJson, JSON.stringify(run));
}, 180_000);

afterAll(async () => {
  await removeBundle();
});

interface Parts {
  header: { tensors: { name: string; group: string; offset: number; length: number }[] } & Record<string, unknown>;
  data: Buffer;
}

function splitCheckpoint(bytes: Buffer): Parts {
  const hlen = bytes.readUInt32LE(8);
  return { header: JSON.parse(bytes.subarray(12, 12 + hlen).toString('utf8')) as Parts['header'], data: bytes.subarray(12 + hlen) };
}

/**
 * Re-encodes an edited header. Its checksum is dropped (as in files written before checksums)
 * unless `keepChecksum`, which keeps the now stale one.
 */
function joinCheckpoint(p: Parts, keepChecksum = false): Buffer {
  if (!keepChecksum) delete p.header.sha256;
  let json = Buffer.from(JSON.stringify(p.header), 'utf8');
  const pad = (4 - ((12 + json.length) % 4)) % 4;
  json = Buffer.concat([json, Buffer.alloc(pad, 0x20)]);
  const head = Buffer.alloc(12);
  head.write('CNNSCKP1', 0, 'latin1');
  head.writeUInt32LE(json.length, 8);
  return Buffer.concat([head, json, p.data]);
}

/** A copy of the good run whose last.ckpt is `corrupt(original bytes)` (or absent when null). */
async function brokenRun(name: string, corrupt: ((b: Buffer) => Buffer) | null): Promise<string> {
  const dir = path.join(path.dirname(goodRun), name);
  await fs.cp(goodRun, dir, { recursive: true });
  const last = path.join(dir, 'last.ckpt');
  const bytes = await fs.readFile(last);
  if (corrupt) await fs.writeFile(last, corrupt(bytes));
  else await fs.rm(last);
  return dir;
}

async function expectCleanFailure(dir: string, message: RegExp): Promise<void> {
  const r = await runCli([...trainArgs(dir), '--resume'], 60_000);
  expect(r.code, `--resume did not end: ${r.stderr}`).toBe(1);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /); // one sentence, no stack trace
}

describe('train --resume on a broken run folder ends with exit 1', () => {
  it('an optimizer-state tensor missing from the header', async () => {
    const dir = await brokenRun('no-opt', (b) => {
      const p = splitCheckpoint(b);
      const i = p.header.tensors.findIndex((t) => t.group === 'optimizer');
      expect(i).toBeGreaterThanOrEqual(0);
      p.header.tensors.splice(i, 1);
      return joinCheckpoint(p);
    });
    await expectCleanFailure(dir, /last\.ckpt.*(no|missing).*optimizer state/i);
  }, 90_000);

  it('a weight tensor missing, and one of the wrong size', async () => {
    const missing = await brokenRun('no-weight', (b) => {
      const p = splitCheckpoint(b);
      const first = p.header.tensors.findIndex((t) => t.group === 'weight');
      p.header.tensors.splice(first, 1);
      return joinCheckpoint(p);
    });
    await expectCleanFailure(missing, /last\.ckpt has no weight "[^"]+"/);
    const short = await brokenRun('short-weight', (b) => {
      const p = splitCheckpoint(b);
      const w = p.header.tensors.find((t) => t.group === 'weight')!;
      w.length -= 1;
      return joinCheckpoint(p);
    });
    await expectCleanFailure(short, /last\.ckpt holds \d+ elements for weight/);
  }, 120_000);

  it('a header edit the checksum catches, and a file without a checksum still resumes', async () => {
    await expectCleanFailure(
      await brokenRun('epoch-edit', (b) => {
        const p = splitCheckpoint(b);
        p.header.epoch = 0;
        return joinCheckpoint(p, true);
      }),
      /last\.ckpt: is damaged: its SHA-256 checksum does not match/,
    );
    const old = await brokenRun('old-format', (b) => joinCheckpoint(splitCheckpoint(b)));
    const r = await runCli([...trainArgs(old), '--resume'], 60_000);
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);

  it('truncated tensor data, a flipped header byte, a flipped data bit', async () => {
    await expectCleanFailure(await brokenRun('truncated', (b) => b.subarray(0, b.length - 10)), /last\.ckpt.*truncated/);
    await expectCleanFailure(
      await brokenRun('header-flip', (b) => {
        const c = Buffer.from(b);
        c[20] = c[20]! ^ 0x40;
        return c;
      }),
      /last\.ckpt/,
    );
    await expectCleanFailure(
      await brokenRun('data-flip', (b) => {
        const c = Buffer.from(b);
        c[c.length - 5] = c[c.length - 5]! ^ 0x01;
        return c;
      }),
      /last\.ckpt.*checksum/,
    );
  }, 180_000);

  it('best.ckpt but no last.ckpt: says what happened and what to do', async () => {
    const dir = await brokenRun('no-last', null);
    await expectCleanFailure(dir, /no last\.ckpt.*best\.ckpt/);
  }, 90_000);
});
