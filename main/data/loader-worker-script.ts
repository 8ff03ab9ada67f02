/**
 * Starts a loader worker thread (loader-worker.ts). Bundled (the CLI, serve mode, Electron), the
 * worker is dist/loader-worker.cjs, beside this bundle or one folder up (from dist/electron/main.cjs),
 * as main/trainer/shard-worker-script.ts finds its helper. Run from TypeScript sources (vitest, bench),
 * loader-worker.ts is bundled in memory with esbuild on first use.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

const BUNDLE = 'loader-worker.cjs';
const SOURCE = 'loader-worker.ts';

function here(): string {
  return typeof __dirname === 'string' ? __dirname : process.cwd();
}

const isInAsar = (file: string): boolean => file.split(path.sep).some((part) => part.endsWith('.asar'));

let sourceBundle: string | null = null;

function bundleSource(file: string): string {
  // Loaded by path at run time, so scripts/build.mjs does not pull esbuild into the app's bundles.
  const esbuild = createRequire(file)('esbuild') as typeof import('esbuild');
  const out = esbuild.buildSync({ entryPoints: [file], bundle: true, write: false, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error' });
  return out.outputFiles[0]!.text;
}

export function startLoaderWorker(): Worker {
  const dir = here();
  const bundled = [path.join(dir, BUNDLE), path.join(dir, '..', BUNDLE)].find((f) => existsSync(f));
  // Inside app.asar a worker's own loader cannot be relied on: it gets the bundle's text instead.
  if (bundled && isInAsar(bundled)) return new Worker(readFileSync(bundled, 'utf8'), { eval: true });
  if (bundled) return new Worker(bundled);
  // From sources: beside this file (vitest), or in the repository a bundled script runs from (bench/run-ts.mjs).
  const source = [path.join(dir, SOURCE), path.join(process.cwd(), 'main', 'data', SOURCE)].find((f) => existsSync(f));
  if (!source) {
    throw new Error(`the loader's worker (${BUNDLE}) is missing; looked in ${dir} and ${path.dirname(dir)}. Build it with "npm run build"`);
  }
  sourceBundle ??= bundleSource(source);
  return new Worker(sourceBundle, { eval: true });
}
