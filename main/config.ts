/**
 * The studio's environment variables, all in one place: the only module that reads CNN_STUDIO_*
 * (test/main/config.test.ts fails when another file does). Each variable is declared once in
 * VARIABLES with its doc line, and parsed and checked by readConfig: a bad value is an error naming
 * the variable and what it accepts. Unset or empty means the default.
 *
 * readConfig parses the environment it is given each time it is called (it is cheap): tests and
 * the CLI change process.env between runs in one process, and a cached copy would miss that.
 * README.md "Environment variables" lists the same variables for users.
 */
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_WEIGHTS_BASE_URL } from '../core/pretrained/catalog';

export type Env = Readonly<Record<string, string | undefined>>;

export const ORT_LOG_LEVELS = ['verbose', 'info', 'warning', 'error', 'fatal'] as const;
export type OrtLogLevel = (typeof ORT_LOG_LEVELS)[number];

export interface StudioConfig {
  /** CNN_STUDIO_HOME: per-user folder for settings and recovery files (default ~/.cnn-studio). */
  home: string;
  /** CNN_STUDIO_CACHE: the decoded-dataset cache folder itself (default <user cache>/cnn-studio/datasets). */
  datasetCache: string;
  /** CNN_STUDIO_CACHE_MAX: the decoded-dataset caches together stay under this many bytes, least recently used removed first (default 20 GiB). */
  datasetCacheMaxBytes: number;
  /** CNN_STUDIO_CACHE_DIR: folder of the device-check verdicts, op-support.json, provider-self-test.json and the pretrained weights (weights/) (default <user cache>/cnn-studio). */
  checksCache: string;
  /** CNN_STUDIO_TRAIN_WORKER: the training worker script; undefined = train-worker.cjs beside the bundle. */
  trainWorker: string | undefined;
  /** CNN_STUDIO_TRAINER_HOST: run the training loop in a worker thread (default) or a child process. */
  trainerHost: 'thread' | 'process';
  /** CNN_STUDIO_DATA_PARALLEL: CPU batch shards chosen by size (unset: auto), never (0: off), or past the parameter limit too (1: force). */
  dataParallel: 'auto' | 'off' | 'force';
  /** CNN_STUDIO_LOADER_THREADS: worker threads preparing training batches (unset: auto, by sample size and cores; 0: on the training thread). */
  loaderThreads: number | 'auto';
  /** CNN_STUDIO_NCHWC: CPU convs on onnxruntime's blocked NCHWc kernels (default on; 0 turns off for A/B runs). */
  nchwc: boolean;
  /** CNN_STUDIO_MEASURE_ROUTES: CPU runs time each overlapping max pool's two backward routes once per CPU and keep the faster (default on; 0: the built-in rule). */
  measureRoutes: boolean;
  /** CNN_STUDIO_WEBGPU_RESIDENT: WebGPU keeps weights on the GPU between steps (default on; 0 feeds them from the host). */
  webgpuResident: boolean;
  /** CNN_STUDIO_ORT_SPIN: idle onnxruntime intra-op threads spin instead of blocking (default off; 1 turns on). */
  ortSpin: boolean;
  /** CNN_STUDIO_ORT_LOG: onnxruntime's own log level (default fatal: its lines are for developers). */
  ortLog: OrtLogLevel;
  /** CNN_STUDIO_WEIGHTS_URL: base URL of the pretrained weights (a mirror serving torchvision's file names; default torchvision's). */
  weightsUrl: string;
  /** CNN_STUDIO_NO_REEXEC: set by the CLI on the copy of itself it starts for training, so that copy does not start another. */
  noReexec: boolean;
}

/** The name of each setting's variable; writers (the CLI re-running itself) use these too. */
export const ENV_NAMES = {
  home: 'CNN_STUDIO_HOME',
  datasetCache: 'CNN_STUDIO_CACHE',
  datasetCacheMaxBytes: 'CNN_STUDIO_CACHE_MAX',
  checksCache: 'CNN_STUDIO_CACHE_DIR',
  trainWorker: 'CNN_STUDIO_TRAIN_WORKER',
  trainerHost: 'CNN_STUDIO_TRAINER_HOST',
  dataParallel: 'CNN_STUDIO_DATA_PARALLEL',
  loaderThreads: 'CNN_STUDIO_LOADER_THREADS',
  nchwc: 'CNN_STUDIO_NCHWC',
  measureRoutes: 'CNN_STUDIO_MEASURE_ROUTES',
  webgpuResident: 'CNN_STUDIO_WEBGPU_RESIDENT',
  ortSpin: 'CNN_STUDIO_ORT_SPIN',
  ortLog: 'CNN_STUDIO_ORT_LOG',
  noReexec: 'CNN_STUDIO_NO_REEXEC',
  weightsUrl: 'CNN_STUDIO_WEIGHTS_URL',
} as const satisfies Record<keyof StudioConfig, `CNN_STUDIO_${string}`>;

/** A CNN_STUDIO_* variable whose value the studio cannot use. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The variable's value, or undefined when unset or blank (blank = not set, as shells often leave it). */
function raw(env: Env, key: keyof StudioConfig): string | undefined {
  const v = env[ENV_NAMES[key]];
  return v !== undefined && v.trim() !== '' ? v.trim() : undefined;
}

/** One of `options`, else a ConfigError listing them. */
function oneOf<T extends string>(env: Env, key: keyof StudioConfig, options: readonly T[], fallback: T): T {
  const v = raw(env, key);
  if (v === undefined) return fallback;
  if ((options as readonly string[]).includes(v)) return v as T;
  const want = options.length === 2 ? `"${options[0]}" or "${options[1]}"` : `one of ${options.map((o) => `"${o}"`).join(', ')}`;
  throw new ConfigError(ENV_NAMES[key], `${ENV_NAMES[key]} must be ${want}, not "${v}"`);
}

/** A switch: 1 on, 0 off. */
function flag(env: Env, key: keyof StudioConfig, fallback: boolean): boolean {
  const v = oneOf(env, key, ['0', '1'], fallback ? '1' : '0');
  return v === '1';
}

/** The platform's per-user cache folder: XDG_CACHE_HOME or ~/.cache on Linux, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows. */
export function userCacheBase(env: Env): string {
  const home = os.homedir();
  if (process.platform === 'win32') return env.LOCALAPPDATA || path.join(home, 'AppData', 'Local');
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Caches');
  return env.XDG_CACHE_HOME || path.join(home, '.cache');
}

const SIZE_UNITS: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };
export const DEFAULT_CACHE_MAX_BYTES = 20 * 2 ** 30;

/** A size: bytes, or a number with K, M, G or T (binary units, an optional "B" or "iB" after it). */
export function parseByteSize(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(text.trim());
  if (!m) return null;
  const bytes = Math.round(Number(m[1]) * SIZE_UNITS[m[2]!.toLowerCase()]!);
  return Number.isSafeInteger(bytes) ? bytes : null;
}

function byteSize(env: Env, key: keyof StudioConfig, fallback: number): number {
  const v = raw(env, key);
  if (v === undefined) return fallback;
  const bytes = parseByteSize(v);
  if (bytes === null || bytes < 1)
    throw new ConfigError(ENV_NAMES[key], `${ENV_NAMES[key]} must be a size such as 20G, 500M or 1073741824 (bytes), not "${v}"`);
  return bytes;
}

/** A whole number of threads (0..64), or 'auto' when unset. */
function threadCount(env: Env, key: keyof StudioConfig): number | 'auto' {
  const v = raw(env, key);
  if (v === undefined) return 'auto';
  if (!/^\d+$/.test(v) || Number(v) > 64) throw new ConfigError(ENV_NAMES[key], `${ENV_NAMES[key]} must be a whole number of threads from 0 to 64, not "${v}"`);
  return Number(v);
}

/** An http(s) URL, else a ConfigError (a mirror of the weights folder). */
function baseUrl(env: Env, key: keyof StudioConfig, fallback: string): string {
  const v = raw(env, key);
  if (v === undefined) return fallback;
  const u = URL.canParse(v) ? new URL(v) : null;
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:'))
    throw new ConfigError(ENV_NAMES[key], `${ENV_NAMES[key]} must be an http:// or https:// URL, not "${v}"`);
  return v;
}

function folder(env: Env, key: keyof StudioConfig, fallback: () => string): string {
  const v = raw(env, key);
  return v === undefined ? fallback() : path.resolve(v);
}

/** Every setting, from `env` (default: this process's environment). Throws ConfigError for a bad value. */
export function readConfig(env: Env = process.env): StudioConfig {
  // Unset: by size; 0: never; 1: past the parameter limit too (three states, so not flag()).
  const dataParallel = raw(env, 'dataParallel') === undefined ? 'auto' : oneOf(env, 'dataParallel', ['0', '1'], '0') === '1' ? 'force' : 'off';
  return {
    home: folder(env, 'home', () => path.join(os.homedir(), '.cnn-studio')),
    datasetCache: folder(env, 'datasetCache', () => path.join(userCacheBase(env), 'cnn-studio', 'datasets')),
    datasetCacheMaxBytes: byteSize(env, 'datasetCacheMaxBytes', DEFAULT_CACHE_MAX_BYTES),
    checksCache: folder(env, 'checksCache', () => path.join(userCacheBase(env), 'cnn-studio')),
    trainWorker: raw(env, 'trainWorker'),
    trainerHost: oneOf(env, 'trainerHost', ['thread', 'process'], 'thread'),
    dataParallel,
    loaderThreads: threadCount(env, 'loaderThreads'),
    nchwc: flag(env, 'nchwc', true),
    measureRoutes: flag(env, 'measureRoutes', true),
    webgpuResident: flag(env, 'webgpuResident', true),
    ortSpin: flag(env, 'ortSpin', false),
    ortLog: oneOf(env, 'ortLog', ORT_LOG_LEVELS, 'fatal'),
    noReexec: flag(env, 'noReexec', false),
    weightsUrl: baseUrl(env, 'weightsUrl', DEFAULT_WEIGHTS_BASE_URL),
  };
}
