import { describe, expect, it } from 'vitest';
import { probeExecutionProviders } from '../../main/providers';

describe('execution providers', () => {
  it('CPU loads and computes; every provider gets a verdict with a reason when it does not load', async () => {
    const list = await probeExecutionProviders({ timeoutMs: 120_000 });
    const names = list.map((p) => p.name);
    expect(names).toEqual(['cpu', 'cuda', 'tensorrt', 'dml', 'coreml', 'webgpu']);
    const cpu = list.find((p) => p.name === 'cpu')!;
    expect(cpu).toMatchObject({ offered: true, available: true, reason: null });
    for (const p of list) {
      if (!p.available) expect(p.reason, p.name).toBeTruthy();
    }
    if (process.platform === 'linux') {
      expect(list.find((p) => p.name === 'dml')!.reason).toMatch(/not offered .* linux/);
    }
  }, 180_000);

  it('reports a runtime that fails to load instead of throwing', async () => {
    const list = await probeExecutionProviders({
      loadOrt: async () => {
        throw new Error('libonnxruntime.so.1: cannot open shared object file');
      },
    });
    expect(list.every((p) => !p.available && p.reason?.includes('cannot open shared object'))).toBe(true);
  });
});

describe('provider error text', () => {
  it('keeps the sentence and adds what to do', async () => {
    const { explainProviderError } = await import('../../main/providers');
    const webgpu = explainProviderError(
      'webgpu',
      '/onnxruntime_src/onnxruntime/core/providers/webgpu/webgpu_context.cc:136 onnxruntime::webgpu::WebGpuContext::Initialize(const Cfg&)::<lambda()> adapter_result.status == wgpu::RequestAdapterStatus::Success was false. Failed to get a WebGPU adapter: No supported adapters',
    );
    expect(webgpu).toMatch(/^Failed to get a WebGPU adapter: No supported adapters — needs/);
    expect(explainProviderError('cuda', 'OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library')).toMatch(/npm run setup:cuda/);
  });
});
