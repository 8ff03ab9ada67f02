/**
 * Execution-provider options per provider, following onnxruntime's documentation:
 * - WebGPU: `preferredLayout` 'NHWC' (its default) or 'NCHW'. The default miscomputes some convs
 *   (DESIGN.md); the self-test decides which layout this process uses (chooseLayout), and until
 *   one ran the exact NCHW is used.
 * - DirectML: `deviceId` 0, the default adapter (DML EP "device_id"); its documentation asks for
 *   sessions without memory patterns and with sequential execution (providerSessionOptions;
 *   onnxruntime also switches both off itself, with a warning, when it sees the DML provider).
 * - CoreML: onnxruntime-node takes only the `coreMlFlags` bit mask (the C API's COREMLFlags; the
 *   newer string options MLComputeUnits / ModelFormat are not passed through by the Node binding).
 *   0x010 = COREML_FLAG_CREATE_MLPROGRAM: the ML Program format (float32, more ops, needed for the
 *   training graphs) on the default compute units (all: CPU, GPU, Neural Engine).
 * - CUDA: `deviceId` 0.
 */
import type { ExecutionProviderName } from '../../core/api';

/** 'default': the provider's own layout (NHWC for WebGPU); 'NCHW': forced NCHW. */
export type ProviderLayout = 'default' | 'NCHW';

export type ProviderConfig = string | { name: string; [option: string]: string | number | boolean };

const COREML_FLAG_CREATE_MLPROGRAM = 0x010;

const chosen = new Map<ExecutionProviderName, ProviderLayout>();

/** The layout a passed self-test chose for this provider in this process. */
export function chooseLayout(name: ExecutionProviderName, layout: ProviderLayout): void {
  chosen.set(name, layout);
}

export function chosenLayout(name: ExecutionProviderName): ProviderLayout {
  return chosen.get(name) ?? (name === 'webgpu' ? 'NCHW' : 'default');
}

/** The layouts worth trying, in order: the provider's default first. */
export function layoutsToTry(name: ExecutionProviderName): ProviderLayout[] {
  return name === 'webgpu' ? ['default', 'NCHW'] : ['default'];
}

export function providerConfig(name: ExecutionProviderName, layout: ProviderLayout = chosenLayout(name)): ProviderConfig {
  switch (name) {
    case 'webgpu':
      return layout === 'NCHW' ? { name: 'webgpu', preferredLayout: 'NCHW' } : { name: 'webgpu' };
    case 'dml':
      return { name: 'dml', deviceId: 0 };
    case 'coreml':
      return { name: 'coreml', coreMlFlags: COREML_FLAG_CREATE_MLPROGRAM };
    case 'cuda':
      return { name: 'cuda', deviceId: 0 };
    default:
      return name;
  }
}

/** Session options a provider needs besides its own entry (DirectML: no memory pattern). */
export function providerSessionOptions(name: ExecutionProviderName): { enableMemPattern?: boolean; executionMode?: 'sequential' } {
  return name === 'dml' ? { enableMemPattern: false, executionMode: 'sequential' } : {};
}
