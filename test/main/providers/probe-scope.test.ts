/**
 * Probing loads only what the choice can use: an explicit --device its own provider, auto the
 * hardware GPU providers. A software (lavapipe) or absent Vulkan adapter is never loaded for
 * auto, so a CPU run does not initialise WebGPU (Dawn prints warnings nothing can silence).
 */
import { describe, expect, it } from 'vitest';
import { probeExecutionProviders } from '../../../main/providers';
import { resolveDevice } from '../../../main/trainer/device';
import { fakeHost, icd } from '../../helpers/fake-host';

type Ort = typeof import('onnxruntime-node');

/** An onnxruntime stand-in whose sessions compute y = 2x + 1 and which records each provider loaded. */
function recordingOrt(loaded: string[]): () => Promise<Ort> {
  const session = {
    run: async () => ({ y: { data: Float32Array.from([1, 3, 5, 7]) } }),
    release: async () => undefined,
  };
  const ort = {
    listSupportedBackends: () => ['cpu', 'webgpu'].map((name) => ({ name, bundled: true })),
    Tensor: class {},
    InferenceSession: {
      create: async (_bytes: Uint8Array, o: { executionProviders: (string | { name: string })[] }) => {
        const p = o.executionProviders[0]!;
        loaded.push(typeof p === 'string' ? p : p.name);
        return session;
      },
    },
    env: { versions: { node: 'test' } },
  };
  return async () => ort as unknown as Ort;
}

const lavapipeHost = fakeHost({ files: { '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json': icd('libvulkan_lvp.so') } });
const noVulkanHost = fakeHost({});

describe('provider probe scope', () => {
  it('hardwareOnly does not load WebGPU on lavapipe or without a Vulkan driver, and says why', async () => {
    for (const host of [lavapipeHost, noVulkanHost]) {
      const loaded: string[] = [];
      const list = await probeExecutionProviders({ loadOrt: recordingOrt(loaded), host, hardwareOnly: true });
      expect(loaded).toEqual(['cpu']);
      expect(list.find((p) => p.name === 'webgpu')).toMatchObject({ offered: true, available: false, reason: expect.stringMatching(/^not loaded: /) });
    }
    const loaded: string[] = [];
    await probeExecutionProviders({ loadOrt: recordingOrt(loaded), host: lavapipeHost });
    expect(loaded).toEqual(['cpu', 'webgpu']);
  });

  it('auto asks for hardware providers only, an explicit device for itself only, cpu for nothing', async () => {
    const scopes: unknown[] = [];
    const probe = async (scope: unknown) => {
      scopes.push(scope);
      const list = await probeExecutionProviders({ loadOrt: recordingOrt([]), host: lavapipeHost, ...(scope as object) });
      return list;
    };
    const auto = await resolveDevice('auto', probe);
    expect(auto.device).toBe('cpu');
    // The software adapter is still named as the reason auto passed it over.
    expect(auto.fallbackReason).toMatch(
      /^no hardware GPU works here\. WebGPU runs on a software adapter \(lavapipe.*--device webgpu uses it anyway\. \(details: /,
    );
    expect(await resolveDevice('webgpu', probe)).toEqual({ device: 'webgpu', fallbackReason: null });
    expect(await resolveDevice('cpu', probe)).toEqual({ device: 'cpu', fallbackReason: null });
    expect(scopes).toEqual([{ hardwareOnly: true }, { only: ['webgpu'] }]);
  });
});
