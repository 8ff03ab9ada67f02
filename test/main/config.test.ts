import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, ENV_NAMES, readConfig, type StudioConfig } from '../../main/config';
import { bundleCli } from '../helpers/cli-io';

const repo = path.resolve(__dirname, '../..');
const CONFIG_MODULE = path.join('main', 'config.ts');
/** The app's source folders: only main/config.ts among them may read a CNN_STUDIO_* variable. */
const SOURCE_DIRS = ['main', 'core', 'renderer', 'scripts', 'bin'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return /\.(tsx?|[cm]?js)$/.test(name) ? [p] : [];
  });
}

/**
 * Reads of a CNN_STUDIO_* variable: `x.CNN_STUDIO_A`, `x['CNN_STUDIO_A']` (any quote), or
 * destructuring from process.env. Mentions in prose ("CNN_STUDIO_A=0 turns it off") are not reads.
 */
export function envReads(source: string): string[] {
  const patterns = [/\.\s*(CNN_STUDIO_\w+)/g, /\[\s*['"`](CNN_STUDIO_\w+)/g, /\{[^}]*\b(CNN_STUDIO_\w+)[^}]*\}\s*=\s*process\.env/g];
  return patterns.flatMap((re) => [...source.matchAll(re)].map((m) => m[1]!));
}

describe('CNN_STUDIO_* is read in main/config.ts only', () => {
  it('the scanner sees every form of read, not prose', () => {
    const src =
      "const a = process.env.CNN_STUDIO_A;\nconst b = env['CNN_STUDIO_B'];\nconst { CNN_STUDIO_C } = process.env;\n// CNN_STUDIO_D=0 turns it off; see $CNN_STUDIO_E";
    expect(envReads(src).sort()).toEqual(['CNN_STUDIO_A', 'CNN_STUDIO_B', 'CNN_STUDIO_C']);
  });

  it('no other file of main/, core/, renderer/, scripts/ or bin/ reads one', () => {
    const offenders = SOURCE_DIRS.flatMap((d) => sourceFiles(path.join(repo, d)))
      .filter((f) => path.relative(repo, f) !== CONFIG_MODULE)
      .flatMap((f) => envReads(readFileSync(f, 'utf8')).map((name) => `${path.relative(repo, f)}: ${name}`));
    expect(offenders).toEqual([]);
  });

  it('core/ and renderer/ read no environment at all (they run in the browser too)', () => {
    const readers = ['core', 'renderer']
      .flatMap((d) => sourceFiles(path.join(repo, d)))
      .filter((f) => /\bprocess\s*\.\s*env\b/.test(readFileSync(f, 'utf8')))
      .map((f) => path.relative(repo, f));
    expect(readers).toEqual([]);
  });

  it('every CNN_STUDIO_* name the source mentions is a declared variable (no typo reaches a user)', () => {
    const declared = new Set<string>(Object.values(ENV_NAMES));
    const mentioned = new Set(
      SOURCE_DIRS.flatMap((d) => sourceFiles(path.join(repo, d))).flatMap((f) => readFileSync(f, 'utf8').match(/CNN_STUDIO_[A-Z_]*[A-Z]/g) ?? []),
    );
    expect([...mentioned].filter((n) => !declared.has(n))).toEqual([]);
  });

  it('README lists every variable in its table', () => {
    const readme = readFileSync(path.join(repo, 'README.md'), 'utf8');
    const rows = new Set([...readme.matchAll(/^\| `(CNN_STUDIO_\w+)/gm)].map((m) => m[1]));
    expect([...rows].sort()).toEqual(Object.values(ENV_NAMES).sort());
  });
});

describe('readConfig', () => {
  it('gives the defaults for an empty environment (blank counts as unset)', () => {
    const c = readConfig({ CNN_STUDIO_ORT_LOG: '  ', XDG_CACHE_HOME: '/x' });
    expect(c).toEqual<StudioConfig>({
      home: path.join(os.homedir(), '.cnn-studio'),
      datasetCache: process.platform === 'linux' ? path.join('/x', 'cnn-studio', 'datasets') : c.datasetCache,
      datasetCacheMaxBytes: 20 * 2 ** 30,
      checksCache: process.platform === 'linux' ? path.join('/x', 'cnn-studio') : c.checksCache,
      trainWorker: undefined,
      trainerHost: 'thread',
      dataParallel: 'auto',
      loaderThreads: 'auto',
      nchwc: true,
      measureRoutes: true,
      webgpuResident: true,
      ortSpin: false,
      ortLog: 'fatal',
      noReexec: false,
      weightsUrl: 'https://download.pytorch.org/models/',
    });
  });

  it('reads each variable', () => {
    const c = readConfig({
      CNN_STUDIO_HOME: 'h',
      CNN_STUDIO_CACHE: '/data-cache',
      CNN_STUDIO_CACHE_DIR: '/checks',
      CNN_STUDIO_TRAIN_WORKER: '/w.cjs',
      CNN_STUDIO_TRAINER_HOST: 'process',
      CNN_STUDIO_DATA_PARALLEL: '0',
      CNN_STUDIO_NCHWC: '0',
      CNN_STUDIO_MEASURE_ROUTES: '0',
      CNN_STUDIO_WEBGPU_RESIDENT: '0',
      CNN_STUDIO_ORT_SPIN: '1',
      CNN_STUDIO_ORT_LOG: 'warning',
      CNN_STUDIO_NO_REEXEC: '1',
      CNN_STUDIO_WEIGHTS_URL: 'http://mirror.local/w/',
      CNN_STUDIO_CACHE_MAX: '1.5G',
      CNN_STUDIO_LOADER_THREADS: '3',
    });
    expect(c).toEqual<StudioConfig>({
      home: path.resolve('h'),
      datasetCache: path.resolve('/data-cache'),
      datasetCacheMaxBytes: 1.5 * 2 ** 30,
      checksCache: path.resolve('/checks'),
      trainWorker: '/w.cjs',
      trainerHost: 'process',
      dataParallel: 'off',
      loaderThreads: 3,
      nchwc: false,
      measureRoutes: false,
      webgpuResident: false,
      ortSpin: true,
      ortLog: 'warning',
      noReexec: true,
      weightsUrl: 'http://mirror.local/w/',
    });
    expect(readConfig({ CNN_STUDIO_DATA_PARALLEL: '1' }).dataParallel).toBe('force');
  });

  it.each([
    ['CNN_STUDIO_TRAINER_HOST', 'gpu', /CNN_STUDIO_TRAINER_HOST must be "thread" or "process", not "gpu"/],
    ['CNN_STUDIO_DATA_PARALLEL', 'yes', /CNN_STUDIO_DATA_PARALLEL must be "0" or "1", not "yes"/],
    ['CNN_STUDIO_NCHWC', 'off', /CNN_STUDIO_NCHWC must be "0" or "1", not "off"/],
    ['CNN_STUDIO_WEBGPU_RESIDENT', '2', /CNN_STUDIO_WEBGPU_RESIDENT must be "0" or "1"/],
    ['CNN_STUDIO_ORT_SPIN', 'true', /CNN_STUDIO_ORT_SPIN must be "0" or "1"/],
    ['CNN_STUDIO_WEIGHTS_URL', 'ftp://x/', /CNN_STUDIO_WEIGHTS_URL must be an http:\/\/ or https:\/\/ URL, not "ftp:\/\/x\/"/],
    ['CNN_STUDIO_ORT_LOG', 'loud', /CNN_STUDIO_ORT_LOG must be one of "verbose", "info", "warning", "error", "fatal", not "loud"/],
    ['CNN_STUDIO_NO_REEXEC', 'x', /CNN_STUDIO_NO_REEXEC must be "0" or "1"/],
    ['CNN_STUDIO_CACHE_MAX', 'lots', /CNN_STUDIO_CACHE_MAX must be a size such as 20G, 500M or 1073741824 \(bytes\), not "lots"/],
    ['CNN_STUDIO_CACHE_MAX', '0', /CNN_STUDIO_CACHE_MAX must be a size/],
    ['CNN_STUDIO_LOADER_THREADS', 'two', /CNN_STUDIO_LOADER_THREADS must be a whole number of threads from 0 to 64, not "two"/],
    ['CNN_STUDIO_LOADER_THREADS', '65', /CNN_STUDIO_LOADER_THREADS must be a whole number/],
  ])('refuses %s=%s naming the variable', (name, value, message) => {
    let error: unknown;
    try {
      readConfig({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(name);
    expect((error as Error).message).toMatch(message);
  });
});

describe('the CLI with a bad variable', () => {
  it('stops before any command with one line naming it (exit 2)', async () => {
    const { cli, remove } = await bundleCli('config');
    try {
      const run = (env: Record<string, string>): Promise<{ code: number; err: string }> =>
        new Promise((resolve) => {
          execFile(process.execPath, [cli, '--version'], { env: { ...process.env, ...env }, encoding: 'utf8' }, (error, _out, err) =>
            resolve({ code: error ? Number(error.code) : 0, err }),
          );
        });
      expect(await run({ CNN_STUDIO_ORT_LOG: 'loud' })).toEqual({
        code: 2,
        err: 'error: CNN_STUDIO_ORT_LOG must be one of "verbose", "info", "warning", "error", "fatal", not "loud"\n',
      });
      expect((await run({ CNN_STUDIO_ORT_LOG: 'warning' })).code).toBe(0);
    } finally {
      await remove();
    }
  }, 60_000);
});
