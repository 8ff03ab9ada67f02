/**
 * Before a GPU provider is used the first time, it runs the reference model (reference-self-test.ts)
 * and must agree with the CPU. The provider's default layout is tried first; where it miscomputes
 * and NCHW agrees (WebGPU's NHWC fault), NCHW is used and the result says so. A provider that
 * miscomputes either way is refused, naming the largest difference. Results are cached per
 * provider + driver + onnxruntime version in <cache>/provider-self-test.json, so the test runs once
 * per machine (readConfig().checksCache: CNN_STUDIO_CACHE_DIR, else e.g. ~/.cache/cnn-studio).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { readConfig, type Env } from '../config';
import type { ExecutionProviderName, ProviderSelfTest } from '../../core/api';
import { chooseLayout, layoutsToTry, type ProviderLayout } from './layout';
import { compareReference, runReference, type ReferenceOutputs } from './reference-self-test';

type Ort = typeof import('onnxruntime-node');

/** Bump when the reference model or the tolerances change: older cached verdicts no longer apply. */
const REFERENCE_VERSION = 1;

export function selfTestCacheFile(env: Env = process.env): string {
  return path.join(readConfig(env).checksCache, 'provider-self-test.json');
}

export interface SelfTestOptions {
  ort: Ort;
  /** Identifies the driver/adapter (adapters.ts): a new driver means a new test. */
  driverKey: string;
  cacheFile?: string;
  /** Ignore a cached verdict. */
  force?: boolean;
  /** Runs the reference model (tests pass a fake provider). */
  run?: (provider: ExecutionProviderName, layout: ProviderLayout) => Promise<ReferenceOutputs>;
}

type CacheFile = Record<string, Omit<ProviderSelfTest, 'cached'>>;

async function readCache(file: string): Promise<CacheFile> {
  try {
    const v = JSON.parse(await fs.readFile(file, 'utf8')) as unknown;
    return v && typeof v === 'object' ? (v as CacheFile) : {};
  } catch {
    return {};
  }
}

async function writeCache(file: string, key: string, result: Omit<ProviderSelfTest, 'cached'>): Promise<void> {
  try {
    const all = await readCache(file);
    all[key] = result;
    await fs.mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(all, null, 1));
    await fs.rename(tmp, file);
  } catch {
    // A read-only cache only costs a repeated self-test.
  }
}

const layoutName = (name: ExecutionProviderName, l: ProviderLayout): string => (l === 'NCHW' ? 'NCHW' : name === 'webgpu' ? 'default (NHWC)' : 'default');

const cacheKey = (name: ExecutionProviderName, driverKey: string, ortVersion: string | undefined): string =>
  `${name}|${driverKey}|onnxruntime ${ortVersion ?? '?'}|reference ${REFERENCE_VERSION}`;

/** A verdict already in the cache, without running anything (the studio's machine dialog). */
export async function cachedSelfTest(
  name: ExecutionProviderName,
  driverKey: string,
  ortVersion: string | undefined,
  cacheFile = selfTestCacheFile(),
): Promise<ProviderSelfTest | null> {
  const hit = (await readCache(cacheFile))[cacheKey(name, driverKey, ortVersion)];
  return hit ? { ...hit, cached: true } : null;
}

/** Runs (or recalls) the self-test; on a pass, the chosen layout is used by this process's sessions. */
export async function selfTestProvider(name: ExecutionProviderName, o: SelfTestOptions): Promise<ProviderSelfTest> {
  if (name === 'cpu') return { passed: true, layout: null, maxDiff: 0, message: 'the CPU is the reference', cached: false, ms: 0 };
  const file = o.cacheFile ?? selfTestCacheFile();
  const key = cacheKey(name, o.driverKey, o.ort.env.versions?.node);
  if (!o.force) {
    const hit = (await readCache(file))[key];
    if (hit) {
      if (hit.passed && hit.layout) chooseLayout(name, hit.layout);
      return { ...hit, cached: true };
    }
  }
  const started = performance.now();
  const run = o.run ?? ((p, l) => runReference(o.ort, p, l));
  const result = await decide(name, run);
  const full: Omit<ProviderSelfTest, 'cached'> = { ...result, ms: Math.round(performance.now() - started) };
  await writeCache(file, key, full);
  if (full.passed && full.layout) chooseLayout(name, full.layout);
  return { ...full, cached: false };
}

async function decide(name: ExecutionProviderName, run: NonNullable<SelfTestOptions['run']>): Promise<Omit<ProviderSelfTest, 'cached' | 'ms'>> {
  const want = await run('cpu', 'default');
  const failures: string[] = [];
  let worst = 0;
  for (const layout of layoutsToTry(name)) {
    let got: ReferenceOutputs;
    try {
      got = await run(name, layout);
    } catch (e) {
      failures.push(`with the ${layoutName(name, layout)} layout it could not run the reference model: ${(e as Error).message.split('\n')[0]}`);
      continue;
    }
    const c = compareReference(got, want);
    if (c.worstRatio <= 1) {
      const cure = failures.length > 0 ? `; ${failures.join('; ')}, so ${layoutName(name, layout)} is used` : '';
      return {
        passed: true,
        layout,
        maxDiff: c.maxDiff,
        message: `agrees with the CPU on the reference model (largest difference ${c.maxDiff.toExponential(2)}, in ${c.where}) with the ${layoutName(name, layout)} layout${cure}`,
      };
    }
    worst = Math.max(worst, c.maxDiff);
    failures.push(
      `with the ${layoutName(name, layout)} layout it miscomputes (${c.where}: largest difference from the CPU ${c.maxDiff.toExponential(2)}, ${c.worstRatio.toFixed(0)}x the tolerance)`,
    );
  }
  return { passed: false, layout: null, maxDiff: worst > 0 ? worst : null, message: `refused: ${failures.join('; ')}` };
}
