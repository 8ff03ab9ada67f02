/**
 * Starts a data-parallel helper thread (shard-worker.ts). Bundled (the CLI, serve mode, Electron),
 * the worker is dist/shard-worker.cjs, found beside this bundle or one folder up (from
 * dist/electron/main.cjs), as start.ts finds train-worker.cjs. Run from TypeScript sources
 * (vitest), there is no bundle: shard-worker.ts, beside this file, is bundled in memory with
 * esbuild (a development dependency, present wherever the sources run) on first use.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ShardWorkerData } from './shard-protocol';

const BUNDLE = 'shard-worker.cjs';
const SOURCE = 'shard-worker.ts';

function here(): string {
  return typeof __dirname === 'string' ? __dirname : process.cwd();
}

function isInAsar(file: string): boolean {
  return file.split(path.sep).some((part) => part.endsWith('.asar'));
}

let sourceBundle: string | null = null;

/** shard-worker.ts and what it imports as one CommonJS script (onnxruntime stays a runtime path). */
function bundleSource(file: string): string {
  // Loaded by path at run time, so scripts/build.mjs does not pull esbuild into the app's bundles.
  const esbuild = createRequire(file)('esbuild') as typeof import('esbuild');
  const out = esbuild.buildSync({ entryPoints: [file], bundle: true, write: false, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error' });
  return out.outputFiles[0]!.text;
}

export function startShardWorker(data: ShardWorkerData): Worker {
  const dir = here();
  const bundled = [path.join(dir, BUNDLE), path.join(dir, '..', BUNDLE)].find((f) => existsSync(f));
  // Electron patches fs and the module loader of its processes to read app.asar, which a worker
  // thread's own loader is not promised: inside the archive the worker gets the bundle's text
  // (it loads nothing by relative path), read here through the patched fs.
  if (bundled && isInAsar(bundled)) return new Worker(readFileSync(bundled, 'utf8'), { eval: true, workerData: data });
  if (bundled) return new Worker(bundled, { workerData: data });
  const source = path.join(dir, SOURCE);
  if (!existsSync(source)) {
    throw new Error(`the data-parallel helper (${BUNDLE}) is missing; looked in ${dir} and ${path.dirname(dir)}. Build it with "npm run build"`);
  }
  sourceBundle ??= bundleSource(source);
  return new Worker(sourceBundle, { eval: true, workerData: data });
}
