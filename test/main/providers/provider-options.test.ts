/** Execution-provider options as onnxruntime documents them (the Node binding's option names). */
import { describe, expect, it } from 'vitest';
import { chooseLayout, providerConfig, providerSessionOptions } from '../../../main/providers/layout';

describe('provider options', () => {
  it('DirectML: device 0, no memory pattern, sequential; CoreML: ML Program flag; CUDA: device 0', () => {
    expect(providerConfig('dml')).toEqual({ name: 'dml', deviceId: 0 });
    expect(providerSessionOptions('dml')).toEqual({ enableMemPattern: false, executionMode: 'sequential' });
    // COREML_FLAG_CREATE_MLPROGRAM = 0x010 (coreml_provider_factory.h); the Node binding reads coreMlFlags only.
    expect(providerConfig('coreml')).toEqual({ name: 'coreml', coreMlFlags: 0x010 });
    expect(providerConfig('cuda')).toEqual({ name: 'cuda', deviceId: 0 });
    expect(providerSessionOptions('webgpu')).toEqual({});
  });

  it('WebGPU uses NCHW until a self-test chose otherwise', () => {
    expect(providerConfig('webgpu')).toEqual({ name: 'webgpu', preferredLayout: 'NCHW' });
    expect(providerConfig('webgpu', 'NCHW')).toEqual({ name: 'webgpu', preferredLayout: 'NCHW' });
    expect(providerConfig('webgpu', 'default')).toEqual({ name: 'webgpu' });
    chooseLayout('webgpu', 'default');
    expect(providerConfig('webgpu')).toEqual({ name: 'webgpu' });
    chooseLayout('webgpu', 'NCHW');
  });
});
