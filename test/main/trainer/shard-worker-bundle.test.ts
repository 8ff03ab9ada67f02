/**
 * The data-parallel helper thread from a bundle (main/trainer/shard-worker-script.ts): the CLI
 * bundled as scripts/build.mjs bundles it finds shard-worker.cjs beside cli.cjs and trains in
 * shards; without it, the error names the missing file and the command to build it.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..', '..');
let dir = '';

function bench(cli: string): Promise<{ code: number; out: string; err: string }> {
  const args = ['bench', 'train-step', 'template:lenet5:1x28x28:10', '--batch', '8', '--steps', '2', '--threads', '2', '--json'];
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, CNN_STUDIO_NO_REEXEC: '1' } }, (error, out, err) => {
      resolve({ code: error ? Number(error.code) : 0, out, err });
    });
  });
}

beforeAll(async () => {
  // Inside the repository, so the bundle's require('onnxruntime-node') finds node_modules.
  dir = path.join(ROOT, 'node_modules', '.cache', 'cnn-studio-test', `shard-bundle-${process.pid}`);
  const common = {
    bundle: true,
    platform: 'node' as const,
    target: 'node20',
    format: 'cjs' as const,
    external: ['onnxruntime-node', 'sharp', 'electron'],
    absWorkingDir: ROOT,
    logLevel: 'error' as const,
  };
  await Promise.all([
    build({ ...common, entryPoints: ['main/cli-entry.ts'], outfile: path.join(dir, 'with', 'cli.cjs') }),
    build({ ...common, entryPoints: ['main/trainer/shard-worker.ts'], outfile: path.join(dir, 'with', 'shard-worker.cjs') }),
    build({ ...common, entryPoints: ['main/cli-entry.ts'], outfile: path.join(dir, 'without', 'cli.cjs') }),
  ]);
}, 120_000);

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

it('a bundled CLI runs the shards on shard-worker.cjs beside it', async () => {
  const r = await bench(path.join(dir, 'with', 'cli.cjs'));
  expect(r.code, r.err).toBe(0);
  const j = JSON.parse(r.out.trim()) as { execution: string; msPerStep: number };
  expect(j.execution).toBe('2 data-parallel shards of 4/4 images, one thread each');
  expect(j.msPerStep).toBeGreaterThan(0);
});

it('without shard-worker.cjs the bench names the missing file and how to build it', async () => {
  const r = await bench(path.join(dir, 'without', 'cli.cjs'));
  expect(r.code).not.toBe(0);
  expect(r.out + r.err).toMatch(/shard-worker\.cjs\) is missing; looked in .*without.*npm run build/s);
});
