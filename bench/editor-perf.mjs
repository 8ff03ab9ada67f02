// Runs bench/editor-perf.ts under plain Node: bundled by esbuild with playwright-core left
// external (it cannot be bundled: it resolves its own files at run time).
//   node scripts/build.mjs && node bench/editor-perf.mjs [--json]
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dir = mkdtempSync(path.join(root, 'node_modules', '.cnn-bench-'));
const outfile = path.join(dir, 'editor-perf.cjs');
try {
  await build({
    entryPoints: [path.join(root, 'bench/editor-perf.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'error',
    external: ['playwright-core'],
  });
  const r = spawnSync(process.execPath, [outfile, ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
  process.exitCode = r.status ?? 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
