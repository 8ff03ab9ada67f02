// `npm run setup:cuda`: fetch onnxruntime-node's CUDA 12 provider libraries (Linux x64 only),
// which `npm install` skips on purpose (see .npmrc). Runs the package's own installer.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error('The CUDA provider is only offered for Linux x64. On Windows DirectML and on macOS CoreML are built in.');
  process.exit(1);
}
const require = createRequire(import.meta.url);
const pkgDir = path.dirname(require.resolve('onnxruntime-node/package.json'));
const result = spawnSync(process.execPath, [path.join(pkgDir, 'script', 'install')], {
  stdio: 'inherit',
  cwd: pkgDir,
  // The project's .npmrc says `skip`; this one run overrides it with the installer's cuda12 flag.
  env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'cuda12', npm_config_onnxruntime_node_install: 'cuda12' },
});
process.exit(result.status ?? 1);
