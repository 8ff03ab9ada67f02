// `npm start`: launch the built app in Electron. Where the Electron binary was never downloaded
// (offline installs, CI with ELECTRON_SKIP_BINARY_DOWNLOAD=1), say so and point at serve mode
// instead of printing a stack trace.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

let electronPath;
try {
  electronPath = require('electron');
} catch (e) {
  electronPath = undefined;
}
if (typeof electronPath !== 'string' || !existsSync(electronPath)) {
  console.error(
    [
      'The Electron binary is not installed, so the desktop window cannot open.',
      'Either fetch it: `node node_modules/electron/install.js` (needs access to the Electron release downloads),',
      'or run the studio in your browser instead: `npm run serve` (prints a URL to open).',
    ].join('\n'),
  );
  process.exit(1);
}
const child = spawn(electronPath, [root, ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
