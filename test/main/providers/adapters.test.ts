/** Adapter names and software detection from a described host (Vulkan ICD manifests, /sys/class/drm, nvidia-smi). */
import { describe, expect, it } from 'vitest';
import { adapterFor, icdManifestFiles, webgpuAdapterLinux } from '../../../main/providers/adapters';
import { fakeHost, icd } from '../../helpers/fake-host';

const ICD_DIR = '/usr/share/vulkan/icd.d';
const amdCard = {
  '/sys/class/drm/card0/device/vendor': '0x1002\n',
  '/sys/class/drm/card0/device/device': '0x73bf\n',
};

describe('WebGPU adapter on Linux', () => {
  it('only lavapipe usable (hardware drivers installed, no GPU): a software adapter', () => {
    const host = fakeHost({
      files: {
        [`${ICD_DIR}/lvp_icd.json`]: icd('libvulkan_lvp.so'),
        [`${ICD_DIR}/radeon_icd.json`]: icd('libvulkan_radeon.so'),
        [`${ICD_DIR}/intel_icd.json`]: icd('libvulkan_intel.so'),
      },
    });
    const a = webgpuAdapterLinux(host);
    expect(a.software).toBe(true);
    expect(a.name).toMatch(/^lavapipe/);
    expect(a.name).toMatch(/no GPU device .* 2 hardware Vulkan driver/);
  });

  it('a hardware driver with its GPU present wins over lavapipe', () => {
    const host = fakeHost({
      files: { [`${ICD_DIR}/lvp_icd.json`]: icd('libvulkan_lvp.so'), [`${ICD_DIR}/radeon_icd.json`]: icd('libvulkan_radeon.so'), ...amdCard },
      links: { '/sys/class/drm/card0/device/driver': '../../../bus/pci/drivers/amdgpu' },
    });
    const a = webgpuAdapterLinux(host);
    expect(a).toMatchObject({ software: false, name: 'RADV (AMD) on AMD 0x73bf (amdgpu)' });
  });

  it('a GPU whose vendor has no installed driver does not count (Intel driver, AMD card)', () => {
    const host = fakeHost({
      files: { [`${ICD_DIR}/lvp_icd.json`]: icd('libvulkan_lvp.so'), [`${ICD_DIR}/intel_icd.json`]: icd('libvulkan_intel.so'), ...amdCard },
    });
    expect(webgpuAdapterLinux(host).software).toBe(true);
  });

  it('VK_DRIVER_FILES (or VK_ICD_FILENAMES) replaces the search; the NVIDIA driver is named', () => {
    const files = {
      '/opt/nv/nvidia_icd.json': icd('libGLX_nvidia.so.0'),
      [`${ICD_DIR}/lvp_icd.json`]: icd('libvulkan_lvp.so'),
      '/sys/class/drm/card1/device/vendor': '0x10de',
      '/sys/class/drm/card1/device/device': '0x2330',
    };
    expect(icdManifestFiles(fakeHost({ env: { VK_ICD_FILENAMES: '/opt/nv/nvidia_icd.json' }, files }))).toEqual(['/opt/nv/nvidia_icd.json']);
    expect(webgpuAdapterLinux(fakeHost({ env: { VK_DRIVER_FILES: '/opt/nv/nvidia_icd.json' }, files }))).toMatchObject({
      software: false,
      name: 'NVIDIA proprietary on NVIDIA 0x2330',
    });
    // Only lavapipe named: software, even with the NVIDIA GPU present.
    expect(webgpuAdapterLinux(fakeHost({ env: { VK_DRIVER_FILES: `${ICD_DIR}/lvp_icd.json` }, files })).software).toBe(true);
  });

  it('no manifest at all: no adapter, software unknown', () => {
    expect(webgpuAdapterLinux(fakeHost({}))).toMatchObject({ software: null, name: expect.stringMatching(/no Vulkan driver manifest/) });
  });

  it('the driver key changes with the driver (the self-test cache key)', () => {
    const a = webgpuAdapterLinux(fakeHost({ files: { [`${ICD_DIR}/lvp_icd.json`]: icd('libvulkan_lvp.so') } }));
    const b = webgpuAdapterLinux(fakeHost({ files: { [`${ICD_DIR}/lvp_icd.json`]: icd('libvulkan_lvp.so').replace('1.3.305', '1.4.309') } }));
    expect(a.driverKey).not.toBe(b.driverKey);
  });
});

describe('CUDA device name', () => {
  it('from nvidia-smi, first GPU (device 0)', () => {
    const host = fakeHost({
      programs: { 'nvidia-smi --query-gpu=name,driver_version --format=csv,noheader': 'NVIDIA H100 80GB HBM3, 550.54.15\nNVIDIA H100 80GB HBM3, 550.54.15\n' },
    });
    expect(adapterFor('cuda', host)).toMatchObject({ name: 'NVIDIA H100 80GB HBM3 (driver 550.54.15)', software: false });
  });

  it('unknown without nvidia-smi; other platforms do not report WebGPU adapters', () => {
    expect(adapterFor('cuda', fakeHost({})).name).toMatch(/^unknown \(nvidia-smi not found/);
    expect(adapterFor('webgpu', fakeHost({ platform: 'win32' }))).toMatchObject({ software: null, name: expect.stringMatching(/^unknown/) });
  });
});
