// `npm run setup:cuda`: fetch onnxruntime-node's CUDA 12 provider libraries (Linux x64 only),
// which `npm install` skips on purpose (package.json's allowScripts denies the package's install script). Runs the package's own installer, then asks
// `cnn-studio devices` whether CUDA loads now and, if not, which library is still missing
// (NVIDIA driver, CUDA 12, cuDNN 9 are not part of the download).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error('The CUDA provider is only offered for Linux x64. On Windows DirectML and on macOS CoreML are built in.');
  process.exit(1);
}
const require = createRequire(import.meta.url);
const pkgDir = path.dirname(require.resolve('onnxruntime-node/package.json'));
const result = spawnSync(process.execPath, [path.join(pkgDir, 'script', 'install')], {
  stdio: 'inherit',
  cwd: pkgDir,
  // npm never ran this installer (allowScripts); this one run asks it for the cuda12 files.
  env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'cuda12', npm_config_onnxruntime_node_install: 'cuda12' },
});
if (result.status !== 0) process.exit(result.status ?? 1);

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const cli = path.join(root, 'bin', 'cnn-studio.cjs');
if (existsSync(path.join(root, 'dist', 'cli.cjs'))) {
  const check = spawnSync(process.execPath, [cli, 'devices', '--json', '--no-self-test'], { encoding: 'utf8' });
  const cuda = check.status === 0 ? JSON.parse(check.stdout).find((p) => p.name === 'cuda') : null;
  if (cuda?.available) console.log(`CUDA provider installed and loads${cuda.adapter ? ` on ${cuda.adapter}` : ''}.`);
  else if (cuda) console.log(`CUDA provider installed, but it does not load yet: ${cuda.reason}`);
} else {
  console.log('CUDA provider installed. Build (npm run build), then `cnn-studio devices` says whether it loads.');
}
