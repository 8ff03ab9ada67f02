/** --device selection: auto passes over software adapters, the self-test can refuse, and eval/predict/bench share it. */
import { describe, expect, it } from 'vitest';
import type { ExecutionProviderInfo, ProviderSelfTest } from '../../../core/api';
import { resolveDevice, selectDevice } from '../../../main/trainer/device';
import { formatDevices } from '../../../main/commands/devices';
import { cli } from '../../helpers/cli-io';

const info = (name: ExecutionProviderInfo['name'], available: boolean, extra: Partial<ExecutionProviderInfo> = {}): ExecutionProviderInfo => ({
  name,
  label: name === 'webgpu' ? 'WebGPU' : name.toUpperCase(),
  offered: true,
  available,
  reason: available ? null : 'did not load',
  probeMs: 1,
  ...extra,
});
const lavapipe = info('webgpu', true, { adapter: "lavapipe (Mesa's software Vulkan on the CPU)", software: true });
const passed: ProviderSelfTest = { passed: true, layout: 'NCHW', maxDiff: 1e-8, message: 'agrees with the CPU', cached: true, ms: 0 };

describe('device selection', () => {
  it('auto does not pick a software adapter, and says so; an explicit choice still uses it', async () => {
    const probe = async (): Promise<ExecutionProviderInfo[]> => [info('cpu', true), info('cuda', false), lavapipe];
    const auto = await resolveDevice('auto', probe);
    expect(auto.device).toBe('cpu');
    expect(auto.fallbackReason).toMatch(
      /^no hardware GPU works here\. CUDA: did not load; WebGPU runs on a software adapter \(lavapipe.*slower than the CPU provider; --device webgpu uses it anyway\. \(details: Machine in the studio, or `cnn-studio devices`\)$/,
    );
    expect(await resolveDevice('webgpu', probe)).toEqual({ device: 'webgpu', fallbackReason: null });
    expect(await resolveDevice('auto', async () => [info('cpu', true), info('cuda', true), lavapipe])).toEqual({ device: 'cuda', fallbackReason: null });
    // Auto's summary in plain words, the first fix first; the devices command has the technical list.
    const noDriver = info('cuda', false, {
      reason:
        'missing: libonnxruntime_providers_cuda.so (not installed: run `npm run setup:cuda`); libcuda.so.1 (no NVIDIA driver: install the NVIDIA driver); libcudnn.so.9 (cuDNN 9: ...)',
    });
    expect((await resolveDevice('auto', async () => [info('cpu', true), noDriver, lavapipe])).fallbackReason).toMatch(
      /^no hardware GPU works here\. CUDA: not installed \(run npm run setup:cuda\), and it needs an NVIDIA driver and cuDNN 9; WebGPU runs on a software adapter .*\. \(details: Machine in the studio, or `cnn-studio devices`\)$/,
    );
    expect((await resolveDevice('cuda', async () => [info('cpu', true), noDriver])).fallbackReason).toBe(
      'CUDA is not available: not installed (run npm run setup:cuda), and it needs an NVIDIA driver and cuDNN 9 (details: Machine in the studio, or `cnn-studio devices`)',
    );
    // A hardware adapter, or one not known to be software, is taken.
    expect((await resolveDevice('auto', async () => [info('cpu', true), { ...lavapipe, software: false, adapter: 'RADV' }])).device).toBe('webgpu');
  });

  it('a provider that fails its self-test is refused with the explanation; one that passes is used', async () => {
    const probe = async (): Promise<ExecutionProviderInfo[]> => [info('cpu', true), lavapipe];
    const refused = await selectDevice('webgpu', {
      probe,
      check: async () => ({ ...passed, passed: false, layout: null, maxDiff: 0.04, message: 'refused: with the default (NHWC) layout it miscomputes' }),
    });
    expect(refused).toMatchObject({ device: 'cpu', fallbackReason: 'webgpu refused: with the default (NHWC) layout it miscomputes' });
    expect(await selectDevice('webgpu', { probe, check: async () => passed })).toEqual({ device: 'webgpu', fallbackReason: null, selfTest: passed });
    const crashed = await selectDevice('webgpu', {
      probe,
      check: async () => {
        throw new Error('device lost');
      },
    });
    expect(crashed).toMatchObject({ device: 'cpu', fallbackReason: 'webgpu self-test failed to run: device lost' });
    let checked = false;
    await selectDevice('cuda', {
      probe,
      check: async () => {
        checked = true;
        return passed;
      },
    });
    expect(checked).toBe(false);
  });
});

describe('devices command', () => {
  it('the table shows load state, adapter, software flag, self-test and reasons', () => {
    const text = formatDevices([
      info('cpu', true, { adapter: 'CPU', software: false }),
      info('cuda', false, { reason: 'missing: libcudnn.so.9 (cuDNN 9: ...)', adapter: 'NVIDIA H100 (driver 550)' }),
      { ...lavapipe, selfTest: passed },
      { ...info('dml', false), offered: false, reason: 'not offered' },
    ]);
    expect(text).toMatch(/^provider\s+offered\s+loads\s+adapter \/ device\s+self-test$/m);
    expect(text).toMatch(/^CUDA\s+yes\s+no\s+NVIDIA H100 \(driver 550\)\s+-$/m);
    expect(text).toMatch(/why not: missing: libcudnn\.so\.9/);
    expect(text).toMatch(/^WebGPU\s+yes\s+yes\s+lavapipe .*\[software\]\s+passed, NCHW \(cached\)$/m);
    expect(text).toMatch(/auto passes it over/);
    expect(text).toMatch(/not offered on .*: DML/);
  });

  it('--json lists every provider; the CPU loads', async () => {
    const r = await cli('devices', '--json', '--no-self-test');
    expect(r.code).toBe(0);
    const list = JSON.parse(r.out) as ExecutionProviderInfo[];
    expect(list.map((p) => p.name)).toEqual(['cpu', 'cuda', 'tensorrt', 'dml', 'coreml', 'webgpu']);
    expect(list[0]).toMatchObject({ available: true, adapter: 'CPU', software: false });
    for (const p of list) if (p.offered && !p.available) expect(p.reason, p.name).toBeTruthy();
  }, 120_000);

  it('bench --device cuda without CUDA falls back to the CPU and names what is missing', async (ctx) => {
    const r0 = await cli('devices', '--json', '--no-self-test');
    const cuda = (JSON.parse(r0.out) as ExecutionProviderInfo[]).find((p) => p.name === 'cuda')!;
    if (cuda.available) ctx.skip();
    const r = await cli('bench', 'train-step', 'template:lenet5:1x32x32:10:classic', '--device', 'cuda', '--steps', '1', '--batch', '2', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ device: 'cpu', fallbackReason: expect.stringMatching(/^NVIDIA CUDA is not available: /) });
    expect(r.err).toMatch(/^warning: benchmarking on the CPU: NVIDIA CUDA is not available: (not installed|needs|Linux x64 only|not offered)/);
    expect((await cli('bench', 'train-step', 'template:lenet5', '--device', 'tpu')).err).toMatch(
      /--device: "tpu" is not one of auto, cpu, cuda, dml, coreml, webgpu/,
    );
  }, 120_000);
});
