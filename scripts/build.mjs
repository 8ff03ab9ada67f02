// Builds everything the studio runs from: the CLI/server bundle, the Electron main and preload
// bundles (CommonJS: a sandboxed preload must be one CJS file), and the renderer (Vite).
// Native packages stay external so their prebuilt binaries load from node_modules.
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const quiet = process.argv.includes('--quiet');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);

const nodeExternals = ['onnxruntime-node', 'sharp', 'electron', 'bufferutil', 'utf-8-validate'];
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: quiet ? 'error' : 'warning',
  external: nodeExternals,
  absWorkingDir: root,
};

async function buildNode() {
  await Promise.all([
    build({ ...common, entryPoints: ['main/cli-entry.ts'], outfile: 'dist/cli.cjs' }),
    // The training loop's worker thread (main/trainer/start.ts finds it beside cli.cjs, or one folder up from electron/main.cjs).
    build({ ...common, entryPoints: ['main/trainer/worker-entry.ts'], outfile: 'dist/train-worker.cjs' }),
    // The helper thread of a data-parallel CPU step (main/trainer/shard-worker-script.ts finds it the same way).
    build({ ...common, entryPoints: ['main/trainer/shard-worker.ts'], outfile: 'dist/shard-worker.cjs' }),
    // The loader's batch-preparing threads (main/data/loader-worker-script.ts finds it the same way).
    build({ ...common, entryPoints: ['main/data/loader-worker.ts'], outfile: 'dist/loader-worker.cjs' }),
    build({ ...common, entryPoints: ['main/electron/main.ts'], outfile: 'dist/electron/main.cjs' }),
    build({ ...common, entryPoints: ['main/electron/preload.ts'], outfile: 'dist/electron/preload.cjs', external: ['electron'] }),
  ]);
}

async function buildRenderer() {
  await viteBuild({ configFile: path.join(root, 'vite.config.ts'), logLevel: quiet ? 'error' : 'warn' });
}

const started = Date.now();
if (!only || only === 'node') await buildNode();
if (!only || only === 'renderer') await buildRenderer();
if (!quiet) console.log(`cnn-studio built in ${Date.now() - started} ms -> dist/`);
