/**
 * Which execution provider trains. 'auto' takes the best one that loads here (CUDA, DirectML,
 * Core ML, WebGPU, in that order), else the CPU; an explicit choice that does not load falls back
 * to the CPU. Either way the reason for a fallback is returned, to be shown to the user.
 */
import type { ExecutionProviderInfo } from '../../core/api';
import { probeExecutionProviders } from '../providers';
import type { DeviceChoice, TrainDevice } from './types';

export const AUTO_ORDER: readonly TrainDevice[] = ['cuda', 'dml', 'coreml', 'webgpu'];

export interface ResolvedDevice {
  device: TrainDevice;
  /** why the requested (or, for auto, any GPU) provider is not used; null when it is */
  fallbackReason: string | null;
}

export type Probe = () => Promise<ExecutionProviderInfo[]>;

export async function resolveDevice(choice: DeviceChoice, probe: Probe = () => probeExecutionProviders({ timeoutMs: 30_000 })): Promise<ResolvedDevice> {
  if (choice === 'cpu') return { device: 'cpu', fallbackReason: null };
  const infos = await probe();
  const info = (name: string): ExecutionProviderInfo | undefined => infos.find((i) => i.name === name);
  if (choice !== 'auto') {
    const i = info(choice);
    if (i?.available) return { device: choice, fallbackReason: null };
    return { device: 'cpu', fallbackReason: `${i?.label ?? choice} is not available: ${i?.reason ?? 'unknown provider'}` };
  }
  for (const name of AUTO_ORDER) if (info(name)?.available) return { device: name, fallbackReason: null };
  const offered = AUTO_ORDER.map(info).filter((i): i is ExecutionProviderInfo => !!i && i.offered);
  const why = offered.length === 0 ? `no GPU provider is offered on ${process.platform}/${process.arch}` : offered.map((i) => `${i.label}: ${i.reason ?? 'did not load'}`).join('; ');
  return { device: 'cpu', fallbackReason: `no GPU execution provider loaded (${why})` };
}
