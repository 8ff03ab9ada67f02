import { EXECUTION_PROVIDERS, type ExecutionProviderInfo, type ExecutionProviderName } from '../core/api';
import { encodeModel } from '../core/onnx/proto';
import { GraphBuilder } from '../core/onnx/builder';
import type { Model } from '../core/onnx/ir';
import { adapterFor } from './providers/adapters';
import { diagnoseCuda } from './providers/cuda-diagnosis';
import { realHost, type HostProbe } from './providers/host-probe';
import { cachedSelfTest } from './providers/provider-self-test';
import { providerConfig, providerSessionOptions } from './providers/layout';
import { packageRoot, unpackedAssetPath } from './paths';

export { providerConfig } from './providers/layout';

type Ort = typeof import('onnxruntime-node');

const LABELS: Record<ExecutionProviderName, string> = {
  cpu: 'CPU',
  cuda: 'NVIDIA CUDA',
  tensorrt: 'NVIDIA TensorRT',
  dml: 'DirectML (Windows GPU)',
  coreml: 'Core ML (Apple)',
  webgpu: 'WebGPU',
};

/** y = x * 2 + 1 over a [1, 4] tensor: small, but it makes the provider run real kernels. */
function probeModel(): Model {
  const g = new GraphBuilder('probe');
  g.input('x', 'float32', [1, 4]);
  const two = g.constFloat('two', [2], [1]);
  const one = g.constFloat('one', [1], [1]);
  const y = g.op('Add', [g.op1('Mul', ['x', two]), one], {}, { outputNames: ['y'] });
  g.output(y[0]!, 'float32', [1, 4]);
  return {
    irVersion: 8,
    opsetImports: [{ domain: '', version: 17 }],
    producerName: 'cnn-studio',
    producerVersion: 'probe',
    graph: g.build(),
    metadata: {},
  };
}

export interface ProbeOptions {
  /** Give up on a provider that takes longer than this to load (a stuck driver). */
  timeoutMs?: number;
  loadOrt?: () => Promise<Ort>;
  /** The machine's files and programs (adapter names, CUDA libraries); tests describe one. */
  host?: HostProbe;
  /** Load only these providers (the rest are listed as not probed). Default: all. */
  only?: readonly ExecutionProviderName[];
  /**
   * For --device auto, which never picks a software adapter: do not load a GPU provider whose
   * adapter the host already shows to be software or absent. Loading WebGPU initialises Dawn,
   * which prints warnings of its own (a missing libvulkan, lavapipe's "maxDynamic... artificially
   * reduced") that nothing can silence; a run on the CPU should not print them.
   */
  hardwareOnly?: boolean;
}

/** Why a provider is not loaded under `hardwareOnly`, or null when it should be. */
function skipForHardwareOnly(name: ExecutionProviderName, adapter: { name: string; software: boolean | null }): string | null {
  if (name === 'cpu') return null;
  if (adapter.software === true) return `not loaded: ${adapter.name} is a software adapter, slower than the CPU provider (--device ${name} uses it anyway)`;
  if (name === 'webgpu' && adapter.name.startsWith('none:'))
    return `not loaded: ${adapter.name.slice('none: '.length)}; needs a Vulkan driver (a GPU driver, or Mesa's lavapipe for a software one)`;
  return null;
}

/** Where onnxruntime-node keeps its native libraries (and `npm run setup:cuda` puts the CUDA provider). */
export function ortNativeDir(): string {
  return unpackedAssetPath(packageRoot(), 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', process.platform, process.arch);
}

export async function loadOrt(): Promise<Ort> {
  const mod = (await import('onnxruntime-node')) as Ort & { default?: Ort };
  return mod.default ?? mod;
}

/**
 * Which execution providers onnxruntime-node offers on this OS, and whether a session really loads
 * and computes with each here. A provider that is listed but fails (no driver, no CUDA libraries)
 * reports the runtime's own error text.
 */
export async function probeExecutionProviders(opts: ProbeOptions = {}): Promise<ExecutionProviderInfo[]> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  let ort: Ort;
  try {
    ort = await (opts.loadOrt ?? loadOrt)();
  } catch (e) {
    const reason = `onnxruntime-node failed to load: ${e instanceof Error ? e.message : String(e)}`;
    return EXECUTION_PROVIDERS.map((name) => ({ name, label: LABELS[name], offered: false, available: false, reason, probeMs: null }));
  }
  const host = opts.host ?? realHost;
  const offered = new Map(ort.listSupportedBackends().map((b) => [b.name, b]));
  const bytes = encodeModel(probeModel());
  const results: ExecutionProviderInfo[] = [];
  for (const name of EXECUTION_PROVIDERS) {
    const info: ExecutionProviderInfo = { name, label: LABELS[name], offered: offered.has(name), available: false, reason: null, probeMs: null };
    if (!info.offered) {
      info.reason = `not offered by onnxruntime-node on ${process.platform}/${process.arch}`;
      results.push(info);
      continue;
    }
    const adapter = adapterFor(name, host);
    info.adapter = adapter.name;
    info.software = adapter.software;
    const driverKey = adapter.driverKey;
    const skip = opts.only && !opts.only.includes(name) ? 'not probed' : opts.hardwareOnly ? skipForHardwareOnly(name, adapter) : null;
    if (skip) {
      info.reason = skip;
      results.push(info);
      continue;
    }
    const started = performance.now();
    try {
      await withTimeout(runProbe(ort, bytes, name), timeoutMs, `${LABELS[name]} did not load within ${timeoutMs / 1000} s`);
      info.available = true;
      // Only a verdict already cached: the self-test itself runs before first use (selectDevice).
      if (name !== 'cpu') info.selfTest = await cachedSelfTest(name, driverKey, ort.env?.versions?.node);
    } catch (e) {
      const raw = e instanceof Error ? e.message : String(e);
      info.reason = explainProviderError(name, raw);
      if (name === 'cuda') {
        const d = diagnoseCuda(host, ortNativeDir(), raw);
        if (d.summary) info.reason = `${d.summary} (onnxruntime: ${providerErrorSentence(raw)})`;
      }
    }
    info.probeMs = Math.round(performance.now() - started);
    results.push(info);
  }
  return results;
}

async function runProbe(ort: Ort, bytes: Uint8Array, name: ExecutionProviderName): Promise<void> {
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: [providerConfig(name)] as never,
    graphOptimizationLevel: 'all',
    ...providerSessionOptions(name),
  });
  try {
    const x = new ort.Tensor('float32', Float32Array.from([0, 1, 2, 3]), [1, 4]);
    const out = await session.run({ x });
    const y = out['y']?.data as Float32Array | undefined;
    const want = [1, 3, 5, 7];
    if (!y || want.some((v, i) => Math.abs(y[i]! - v) > 1e-6)) {
      throw new Error(`computed ${y ? Array.from(y).join(', ') : 'nothing'} instead of ${want.join(', ')}`);
    }
  } finally {
    await session.release();
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** onnxruntime's first line without its source location and C++ signature. */
export function providerErrorSentence(raw: string): string {
  const text = raw.split('\n')[0]!.trim();
  const tail = /\bwas false\.\s*(.+)$/.exec(text) ?? /^\S+\.(?:cc|cpp|h):\d+\s+\S.*?\)\s+(.+)$/.exec(text);
  return tail ? tail[1]!.trim() : text;
}

/**
 * onnxruntime's messages start with a source location and a C++ signature; keep the sentence a
 * person can act on, and add the step that fixes the common cases.
 */
export function explainProviderError(name: ExecutionProviderName, raw: string): string {
  const text = providerErrorSentence(raw);
  const hints: Partial<Record<ExecutionProviderName, string>> = {
    cuda: 'install the CUDA provider with `npm run setup:cuda` (needs an NVIDIA driver, CUDA 12 and cuDNN 9)',
    tensorrt: 'needs the CUDA provider (`npm run setup:cuda`) and TensorRT libraries on the library path',
    webgpu:
      process.platform === 'linux' ? "needs a Vulkan driver (a GPU driver, or Mesa's lavapipe for a software one)" : 'needs a GPU driver with WebGPU support',
  };
  const hint = /shared library|adapter|not found|No supported/i.test(text) ? hints[name] : undefined;
  return hint ? `${text} — ${hint}` : text;
}
