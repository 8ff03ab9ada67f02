/**
 * One plain line per execution provider for people ("not installed (run npm run setup:cuda)"),
 * derived from the probe's technical reason, which stays available as detail. The probe's reasons
 * come from onnxruntime ("OrtSessionOptionsAppendExecutionProvider_TensorRT: Failed to load shared
 * library") and from the CUDA diagnosis ("missing: libcuda.so.1 (no NVIDIA driver: ...)").
 */
import type { ExecutionProviderInfo } from '../api';

type ProviderFacts = Pick<ExecutionProviderInfo, 'name' | 'offered' | 'available' | 'reason'> & { software?: boolean | null };

/** The CUDA diagnosis names missing libraries; what each group means to a person, most fundamental fix first. */
const CUDA_PIECES: readonly { test: RegExp; what: string }[] = [
  { test: /libonnxruntime_providers_(shared|cuda)\.so|CUDA provider is not installed/, what: 'the CUDA provider' },
  { test: /libcuda\.so\.1|no NVIDIA driver/, what: 'an NVIDIA driver' },
  { test: /libcudart|libcublas|libcurand|libcufft|CUDA 12 runtime/, what: 'the CUDA 12 libraries' },
  { test: /libcudnn|cuDNN/, what: 'cuDNN 9' },
];

const NOT_OFFERED: Partial<Record<ExecutionProviderInfo['name'], string>> = {
  dml: 'Windows only',
  coreml: 'macOS only',
};

export function providerStatus(p: ProviderFacts): string {
  if (p.available) return p.software ? 'works, but on a software adapter (slower than the CPU)' : 'ready';
  if (!p.offered) return NOT_OFFERED[p.name] ?? 'not offered on this system';
  const reason = p.reason ?? '';
  if (/^onnxruntime-node failed to load/.test(reason)) return 'onnxruntime did not load';
  if (/did not load within/.test(reason)) return 'did not answer in time (a stuck driver?)';
  if (p.name === 'cuda') return cudaStatus(reason);
  if (p.name === 'tensorrt' && /shared library|libnvinfer/i.test(reason)) return 'not installed (needs TensorRT and the CUDA provider: run npm run setup:cuda)';
  if (p.name === 'webgpu' && /adapter|Vulkan/i.test(reason)) return 'no GPU adapter found (needs a GPU driver with Vulkan)';
  return 'did not load';
}

function cudaStatus(reason: string): string {
  if (/only built for|Linux x64 only/.test(reason)) return 'Linux x64 only';
  const missing = CUDA_PIECES.filter((piece) => piece.test.test(reason)).map((piece) => piece.what);
  if (missing.length === 0) return /shared library/i.test(reason) ? 'not installed (run npm run setup:cuda)' : 'did not load';
  const [first, ...rest] = missing;
  const head = first === 'the CUDA provider' ? 'not installed (run npm run setup:cuda)' : `needs ${first}`;
  return rest.length ? `${head}, and it needs ${listWords(rest)}` : head;
}

/** "a", "a and b", "a, b and c". */
function listWords(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** "NVIDIA CUDA: not installed (...)": a provider's name and its plain status. */
export function providerLine(p: ProviderFacts & { label: string }): string {
  return `${p.label}: ${providerStatus(p)}`;
}
