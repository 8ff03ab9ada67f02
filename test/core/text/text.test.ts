/** Counts in words and the plain provider lines the Machine dialog and the training log show. */
import { describe, expect, it } from 'vitest';
import type { ExecutionProviderInfo } from '../../../core/api';
import { plural, pluralWord } from '../../../core/text/plural';
import { providerLine, providerStatus } from '../../../core/text/provider-status';

describe('plural', () => {
  it('agrees with the count', () => {
    expect(plural(1, 'class')).toBe('1 class');
    expect(plural(0, 'class')).toBe('0 classes');
    expect(plural(2, 'image')).toBe('2 images');
    expect(plural(1, 'image')).toBe('1 image');
    expect(plural(3, 'box')).toBe('3 boxes');
    expect(plural(2, 'patch')).toBe('2 patches');
    expect(plural(2, 'entry')).toBe('2 entries');
    expect(plural(2, 'day')).toBe('2 days');
    expect(plural(2, 'child', 'children')).toBe('2 children');
    expect(pluralWord(1, 'layer')).toBe('layer');
    expect(pluralWord(5, 'layer')).toBe('layers');
  });
});

const info = (over: Partial<ExecutionProviderInfo> & Pick<ExecutionProviderInfo, 'name'>): ExecutionProviderInfo => ({
  label: over.name.toUpperCase(),
  offered: true,
  available: false,
  reason: null,
  probeMs: 1,
  ...over,
});

/** What `cnn-studio devices --json` reported on a Linux x64 machine without an NVIDIA GPU or Vulkan. */
const CUDA_ALL_MISSING =
  'missing: libonnxruntime_providers_shared.so, libonnxruntime_providers_cuda.so (the onnxruntime CUDA provider is not installed: run `npm run setup:cuda`); libcuda.so.1 (no NVIDIA driver: install the NVIDIA driver); libcudart.so.12, libcublas.so.12 (the CUDA 12 runtime, cuBLAS (CUDA 12): install the CUDA 12 libraries); libcudnn.so.9 (cuDNN 9: install cuDNN 9) (onnxruntime: OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library)';
const TENSORRT =
  'OrtSessionOptionsAppendExecutionProvider_TensorRT: Failed to load shared library — needs the CUDA provider (`npm run setup:cuda`) and TensorRT libraries on the library path';
const WEBGPU = "Failed to get a WebGPU adapter: No supported adapters — needs a Vulkan driver (a GPU driver, or Mesa's lavapipe for a software one)";

describe("providerStatus: the runtime's errors in plain words", () => {
  it('says what to do first for CUDA, then what else is missing', () => {
    expect(providerStatus(info({ name: 'cuda', reason: CUDA_ALL_MISSING }))).toBe(
      'not installed (run npm run setup:cuda), and it needs an NVIDIA driver, the CUDA 12 libraries and cuDNN 9',
    );
    expect(
      providerStatus(
        info({ name: 'cuda', reason: 'missing: libonnxruntime_providers_cuda.so (the onnxruntime CUDA provider is not installed: run `npm run setup:cuda`)' }),
      ),
    ).toBe('not installed (run npm run setup:cuda)');
    expect(providerStatus(info({ name: 'cuda', reason: 'missing: libcudnn.so.9 (cuDNN 9: install cuDNN 9 for CUDA 12)' }))).toBe('needs cuDNN 9');
    expect(providerStatus(info({ name: 'cuda', reason: 'missing: libcuda.so.1 (no NVIDIA driver: install the NVIDIA driver)' }))).toBe(
      'needs an NVIDIA driver',
    );
    // Only onnxruntime's sentence (no diagnosis): the provider library did not load.
    expect(providerStatus(info({ name: 'cuda', reason: 'OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library' }))).toBe(
      'not installed (run npm run setup:cuda)',
    );
  });

  it("never shows onnxruntime's C++ names", () => {
    for (const p of [
      info({ name: 'cuda', reason: CUDA_ALL_MISSING }),
      info({ name: 'tensorrt', reason: TENSORRT }),
      info({ name: 'webgpu', reason: WEBGPU }),
    ]) {
      expect(providerStatus(p)).not.toMatch(/Ort|SessionOptions|shared library|\.so/);
    }
    expect(providerStatus(info({ name: 'tensorrt', reason: TENSORRT }))).toBe('not installed (needs TensorRT and the CUDA provider: run npm run setup:cuda)');
    expect(providerStatus(info({ name: 'webgpu', reason: WEBGPU }))).toBe('no GPU adapter found (needs a GPU driver with Vulkan)');
  });

  it('names providers of other systems, timeouts, and the ones that work', () => {
    expect(providerStatus(info({ name: 'dml', offered: false, reason: 'not offered by onnxruntime-node on linux/x64' }))).toBe('Windows only');
    expect(providerStatus(info({ name: 'coreml', offered: false, reason: 'not offered' }))).toBe('macOS only');
    expect(providerStatus(info({ name: 'webgpu', reason: 'WebGPU did not load within 60 s' }))).toBe('did not answer in time (a stuck driver?)');
    expect(providerStatus(info({ name: 'cpu', available: true }))).toBe('ready');
    expect(providerStatus(info({ name: 'webgpu', available: true, software: true }))).toBe('works, but on a software adapter (slower than the CPU)');
    expect(providerStatus(info({ name: 'dml', reason: 'something new the runtime says' }))).toBe('did not load');
    expect(providerLine(info({ name: 'webgpu', label: 'WebGPU', reason: WEBGPU }))).toBe('WebGPU: no GPU adapter found (needs a GPU driver with Vulkan)');
  });
});
