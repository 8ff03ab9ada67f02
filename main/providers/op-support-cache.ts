/**
 * The op-support probe's results, kept across runs in one JSON file:
 *   <cache dir>/op-support.json, cache dir = readConfig().checksCache (main/config.ts: CNN_STUDIO_CACHE_DIR,
 *   else the per-user cache folder's cnn-studio, e.g. ~/.cache/cnn-studio).
 * Results are keyed by provider + onnxruntime version + driver identity, then by op signature, so a
 * new onnxruntime or a driver update probes again. The driver identity is adapterFor(...).driverKey
 * (main/providers/adapters.ts): for WebGPU on Linux, each Vulkan ICD manifest's library, API
 * version, and the library file's size and mtime; for CUDA, the GPU and driver version.
 * A missing or unreadable file is an empty cache; writes are atomic (temp file + rename).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { atomicWrite } from '../fs/atomic-write';
import { readConfig, type Env } from '../config';
import type { OpVerdict } from './op-probe';

interface CacheFile {
  format: 'cnn-studio-op-support';
  version: 1;
  providers: Record<string, Record<string, OpVerdict>>;
}

export function cacheDir(env: Env = process.env): string {
  return readConfig(env).checksCache;
}

export function providerKey(provider: string, ortVersion: string, driverKey: string): string {
  return `${provider}|onnxruntime ${ortVersion}|${driverKey}`;
}

export class OpSupportCache {
  private dirty = false;

  private constructor(
    readonly file: string,
    private readonly data: CacheFile,
  ) {}

  static async open(file = path.join(cacheDir(), 'op-support.json')): Promise<OpSupportCache> {
    const empty: CacheFile = { format: 'cnn-studio-op-support', version: 1, providers: {} };
    try {
      const json = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<CacheFile>;
      const ok = json.format === 'cnn-studio-op-support' && json.version === 1 && typeof json.providers === 'object' && json.providers !== null;
      return new OpSupportCache(file, ok ? (json as CacheFile) : empty);
    } catch {
      return new OpSupportCache(file, empty);
    }
  }

  get(provider: string, signature: string): OpVerdict | undefined {
    return this.data.providers[provider]?.[signature];
  }

  set(provider: string, signature: string, verdict: OpVerdict): void {
    (this.data.providers[provider] ??= {})[signature] = verdict;
    this.dirty = true;
  }

  /** Writes the file when something changed; a cache that cannot be written is only a slower next start. */
  async save(): Promise<string | null> {
    if (!this.dirty) return null;
    try {
      await fs.mkdir(path.dirname(this.file), { recursive: true });
      await atomicWrite(this.file, `${JSON.stringify(this.data)}\n`);
      this.dirty = false;
      return null;
    } catch (e) {
      return `could not write the op-support cache ${this.file}: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
}
