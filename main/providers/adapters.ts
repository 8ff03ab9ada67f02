/**
 * Which adapter a GPU provider would run on. onnxruntime-node does not report the WebGPU adapter
 * (its verbose log does not name it either), so on Linux it is inferred the way Dawn finds one:
 * Dawn asks the Vulkan loader, which loads the drivers named by the ICD manifests; a hardware
 * driver only yields an adapter when its device exists (/sys/class/drm), and Dawn prefers a
 * hardware adapter to a CPU one. So WebGPU is on a software adapter exactly when the only usable
 * drivers are software ones (Mesa's lavapipe, SwiftShader). For CUDA, nvidia-smi names the GPU.
 */
import path from 'node:path';
import type { ExecutionProviderName } from '../../core/api';
import type { HostProbe } from './host-probe';

export interface AdapterInfo {
  /** Human name, e.g. "lavapipe (Mesa's software Vulkan on the CPU)" or "NVIDIA H100 80GB HBM3 (driver 550.54.15)". */
  name: string;
  /** true: the "GPU" is emulated on the CPU; null: not known. */
  software: boolean | null;
  /** Changes when the driver does: keys the self-test cache. */
  driverKey: string;
}

interface VulkanDriver {
  label: string;
  software: boolean;
  /** PCI vendor ids (/sys/class/drm/cardN/device/vendor) a hardware driver needs; [] = any DRM card. */
  vendors: string[];
}

/** Keyed by the ICD's library file name (without .so and version). */
const VULKAN_DRIVERS: Record<string, VulkanDriver> = {
  libvulkan_lvp: { label: "lavapipe (Mesa's software Vulkan on the CPU)", software: true, vendors: [] },
  libvk_swiftshader: { label: 'SwiftShader (software Vulkan on the CPU)', software: true, vendors: [] },
  libvulkan_radeon: { label: 'RADV (AMD)', software: false, vendors: ['0x1002'] },
  libamdvlk64: { label: 'AMDVLK (AMD)', software: false, vendors: ['0x1002'] },
  libvulkan_intel: { label: 'ANV (Intel)', software: false, vendors: ['0x8086'] },
  libvulkan_intel_hasvk: { label: 'hasvk (older Intel)', software: false, vendors: ['0x8086'] },
  libvulkan_nouveau: { label: 'NVK (NVIDIA, Mesa)', software: false, vendors: ['0x10de'] },
  libGLX_nvidia: { label: 'NVIDIA proprietary', software: false, vendors: ['0x10de'] },
  libvulkan_virtio: { label: 'Venus (virtio-gpu)', software: false, vendors: ['0x1af4'] },
  libvulkan_gfxstream: { label: 'gfxstream (virtualized GPU)', software: false, vendors: ['0x1af4'] },
  libvulkan_freedreno: { label: 'Turnip (Qualcomm Adreno)', software: false, vendors: [] },
  libvulkan_panfrost: { label: 'PanVK (Arm Mali)', software: false, vendors: [] },
  libvulkan_broadcom: { label: 'V3DV (Broadcom VideoCore)', software: false, vendors: [] },
  libvulkan_powervr_mesa: { label: 'PowerVR (Imagination)', software: false, vendors: [] },
  libvulkan_asahi: { label: 'Honeykrisp (Apple silicon)', software: false, vendors: [] },
};

const PCI_VENDORS: Record<string, string> = { '0x10de': 'NVIDIA', '0x1002': 'AMD', '0x8086': 'Intel', '0x1af4': 'virtio' };

export interface IcdManifest {
  file: string;
  library: string;
  apiVersion: string;
}

/** Manifest folders in the Vulkan loader's search order (VK_DRIVER_FILES / VK_ICD_FILENAMES replace it). */
export function icdManifestFiles(host: HostProbe): string[] {
  const env = host.env;
  const explicit = env.VK_DRIVER_FILES ?? env.VK_ICD_FILENAMES;
  const expand = (entries: string[]): string[] =>
    entries.flatMap((e) =>
      e.endsWith('.json')
        ? [e]
        : host
            .list(e)
            .filter((f) => f.endsWith('.json'))
            .sort()
            .map((f) => path.join(e, f)),
    );
  const extra = expand((env.VK_ADD_DRIVER_FILES ?? '').split(':').filter(Boolean));
  if (explicit) return [...extra, ...expand(explicit.split(':').filter(Boolean))];
  const configHome = env.XDG_CONFIG_HOME || path.join(host.home, '.config');
  const configDirs = (env.XDG_CONFIG_DIRS || '/etc/xdg').split(':');
  const dataHome = env.XDG_DATA_HOME || path.join(host.home, '.local/share');
  const dataDirs = (env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':');
  const dirs = [configHome, ...configDirs, '/etc', dataHome, ...dataDirs].filter(Boolean).map((d) => path.join(d, 'vulkan', 'icd.d'));
  return [...extra, ...expand([...new Set(dirs)])];
}

export function readIcdManifests(host: HostProbe): IcdManifest[] {
  const out: IcdManifest[] = [];
  for (const file of icdManifestFiles(host)) {
    const text = host.readText(file);
    if (text === null) continue;
    try {
      const json = JSON.parse(text) as { ICD?: { library_path?: unknown; api_version?: unknown } };
      const lib = json.ICD?.library_path;
      if (typeof lib === 'string') out.push({ file, library: lib, apiVersion: String(json.ICD?.api_version ?? '?') });
    } catch {
      // A broken manifest is skipped by the Vulkan loader too.
    }
  }
  return out;
}

export interface DrmCard {
  card: string;
  vendor: string | null;
  device: string | null;
  /** kernel driver, e.g. amdgpu, i915, nvidia */
  driver: string | null;
}

export function drmCards(host: HostProbe): DrmCard[] {
  const root = '/sys/class/drm';
  return host
    .list(root)
    .filter((n) => /^card\d+$/.test(n))
    .sort()
    .map((card) => {
      const dev = path.join(root, card, 'device');
      const link = host.readLink(path.join(dev, 'driver'));
      return {
        card,
        vendor: host.readText(path.join(dev, 'vendor'))?.trim() ?? null,
        device: host.readText(path.join(dev, 'device'))?.trim() ?? null,
        driver: link ? path.basename(link) : null,
      };
    });
}

function driverFor(library: string): VulkanDriver | null {
  const base = path.basename(library).replace(/\.so(\.\d+)*$/, '');
  return VULKAN_DRIVERS[base] ?? null;
}

function describeCard(c: DrmCard): string {
  const vendor = (c.vendor && PCI_VENDORS[c.vendor]) ?? c.vendor ?? 'unknown vendor';
  return `${vendor} ${c.device ?? ''}`.trim() + (c.driver ? ` (${c.driver})` : '');
}

/** WebGPU's adapter on Linux, from the Vulkan drivers installed and the GPUs present. */
export function webgpuAdapterLinux(host: HostProbe): AdapterInfo {
  const manifests = readIcdManifests(host);
  const cards = drmCards(host);
  const hardware: string[] = [];
  const software: string[] = [];
  const keys: string[] = [];
  for (const m of manifests) {
    const d = driverFor(m.library);
    const libStat = host.stat(m.library.startsWith('/') ? m.library : path.join('/usr/lib/x86_64-linux-gnu', m.library));
    const key = `${path.basename(m.library)}@${m.apiVersion}${libStat ? `:${libStat.size}:${Math.round(libStat.mtimeMs)}` : ''}`;
    if (d?.software) {
      software.push(d.label);
      keys.push(key);
      continue;
    }
    // A hardware driver (or an unknown one) counts only with a matching device present.
    const match = cards.find((c) => !d || d.vendors.length === 0 || (c.vendor !== null && d.vendors.includes(c.vendor)));
    if (match) {
      hardware.push(`${d?.label ?? path.basename(m.library)} on ${describeCard(match)}`);
      keys.push(`${key}/${match.vendor}:${match.device}`);
    }
  }
  const driverKey = keys.sort().join(',') || 'none';
  if (hardware.length > 0) return { name: hardware.join('; '), software: false, driverKey };
  if (software.length > 0) {
    const why =
      manifests.length > software.length ? ` (no GPU device in /sys/class/drm for the ${manifests.length - software.length} hardware Vulkan driver(s))` : '';
    return { name: `${[...new Set(software)].join('; ')}${why}`, software: true, driverKey };
  }
  return {
    name: manifests.length === 0 ? 'none: no Vulkan driver manifest (ICD) found' : 'none: no GPU device for the installed Vulkan drivers',
    software: null,
    driverKey,
  };
}

/** The first CUDA device (the one onnxruntime's device_id 0 uses) as nvidia-smi names it. */
export function nvidiaGpu(host: HostProbe): AdapterInfo | null {
  const out = host.run('nvidia-smi', ['--query-gpu=name,driver_version', '--format=csv,noheader']);
  const first = out
    ?.split('\n')
    .map((l) => l.trim())
    .find(Boolean);
  if (!first) return null;
  const [name, driver] = first.split(',').map((s) => s.trim());
  return { name: `${name}${driver ? ` (driver ${driver})` : ''}`, software: false, driverKey: `${name}@${driver ?? '?'}` };
}

const UNKNOWN: AdapterInfo = { name: 'unknown (onnxruntime-node does not report it)', software: null, driverKey: 'unknown' };

/** The adapter or device each provider would use here, as far as the host tells. */
export function adapterFor(name: ExecutionProviderName, host: HostProbe): AdapterInfo {
  switch (name) {
    case 'cpu':
      return { name: 'CPU', software: false, driverKey: 'cpu' };
    case 'cuda':
    case 'tensorrt':
      return nvidiaGpu(host) ?? { name: 'unknown (nvidia-smi not found or no NVIDIA GPU)', software: null, driverKey: 'unknown' };
    case 'webgpu':
      return host.platform === 'linux' ? webgpuAdapterLinux(host) : UNKNOWN;
    default:
      return UNKNOWN;
  }
}
