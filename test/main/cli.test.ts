import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli';
import { capture } from '../helpers/cli-io';
import { STUDIO_VERSION } from '../../core/version';

describe('cnn-studio CLI', () => {
  it('prints its version and help', async () => {
    const io = capture();
    expect(await runCli(['--version'], io)).toBe(0);
    expect(io.stdout.trim()).toBe(STUDIO_VERSION);
    const help = capture();
    expect(await runCli(['--help'], help)).toBe(0);
    expect(help.stdout).toMatch(/serve \[options\] \[project\]/);
  });

  it('rejects an unknown command and a bad port with one line, no stack', async () => {
    const io = capture();
    expect(await runCli(['frobnicate'], io)).not.toBe(0);
    expect(io.stderr).toMatch(/unknown command 'frobnicate'/);
    const port = capture();
    expect(await runCli(['serve', '--port', 'abc'], port)).toBe(1);
    expect(port.stderr.trim()).toBe('error: --port: "abc" is not a port number (0-65535)');
  });

  it('serve refuses a project it cannot open, naming it', async () => {
    const io = capture();
    expect(await runCli(['serve', '/no/such/project.json', '--port', '0'], io)).toBe(1);
    expect(io.stderr).toMatch(/\/no\/such\/project\.json: no such file/);
  });
});

describe('npm start without the Electron binary', () => {
  it('explains and suggests serve mode instead of a stack trace', () => {
    const root = path.resolve(__dirname, '../..');
    const r = spawnSync(process.execPath, [path.join(root, 'scripts/start-electron.mjs')], {
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: '/nonexistent-electron-dist', ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Electron binary is not installed/);
    expect(r.stderr).toMatch(/npm run serve/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
