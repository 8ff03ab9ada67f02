// `npm start`: launch the built app in Electron.
//
// `npm install` never downloads binaries from outside the npm registry (package.json's
// allowScripts keeps Electron's own download step from running there), so the first start fetches
// the Electron binary with Electron's installer. Where that cannot work (offline machines, CI with
// ELECTRON_SKIP_BINARY_DOWNLOAD=1), it says so and points at serve mode instead of a stack trace.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

function electronDir() {
  try {
    return path.dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/** The Electron executable if it is on disk, as `require('electron')` would find it. */
function electronBinary(dir) {
  if (!dir) return null;
  let rel;
  try {
    rel = readFileSync(path.join(dir, 'path.txt'), 'utf8');
  } catch {
    return null;
  }
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH || path.join(dir, 'dist');
  const bin = path.join(dist, rel);
  return existsSync(bin) ? bin : null;
}

function fetchElectron(dir) {
  if (!dir || process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) return 'ELECTRON_SKIP_BINARY_DOWNLOAD is set';
  console.error('Fetching the Electron binary for the first start…');
  const r = spawnSync(process.execPath, [path.join(dir, 'install.js')], { cwd: dir, encoding: 'utf8', timeout: 600_000 });
  if (r.status === 0) return null;
  // Electron's installer prints a whole stack; keep its first line, which names the cause.
  const first = `${r.stderr ?? ''}`.split('\n').find((l) => l.trim()) ?? (r.error ? String(r.error.message) : `exit code ${r.status}`);
  return first.trim();
}

const dir = electronDir();
let binary = electronBinary(dir);
let why = null;
if (!binary) {
  why = fetchElectron(dir);
  binary = electronBinary(dir);
}
if (!binary) {
  console.error(
    [
      'The Electron binary is not installed, so the desktop window cannot open.',
      why ? `(Fetching it failed: ${why})` : '',
      'Run the studio in your browser instead: `npm run serve` (prints a URL to open),',
      'or fetch Electron where its release downloads are reachable: `node node_modules/electron/install.js`.',
    ]
      .filter(Boolean)
      .join('\n'),
  );
  process.exit(1);
}
const child = spawn(binary, [root, ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
