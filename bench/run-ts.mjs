// Runs a TypeScript file of this repo under plain Node: bundles it with esbuild (native packages
// stay external, so they load from node_modules) into a temp .cjs, runs it, removes it.
//   node bench/run-ts.mjs bench/data-pipeline.ts [args...]
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node bench/run-ts.mjs <file.ts> [args...]');
  process.exit(2);
}
const dir = mkdtempSync(path.join(os.tmpdir(), 'cnn-run-ts-'));
const outfile = path.join(dir, `${path.basename(entry, '.ts')}.cjs`);
try {
  await build({
    entryPoints: [path.resolve(entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    logLevel: 'error',
    absWorkingDir: root,
    external: ['sharp', 'onnxruntime-node', 'electron', 'bufferutil', 'utf-8-validate'],
  });
  const r = spawnSync(process.execPath, ['--enable-source-maps', outfile, ...args], {
    stdio: 'inherit',
    env: { ...process.env, NODE_PATH: path.join(root, 'node_modules') },
  });
  process.exitCode = r.status ?? 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
