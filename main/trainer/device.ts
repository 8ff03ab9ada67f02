/**
 * Which execution provider runs (train, eval, predict, bench: one rule). 'auto' takes the best
 * one that loads here (CUDA, DirectML, Core ML, WebGPU, in that order) and is not a software
 * adapter, else the CPU: WebGPU on Mesa's lavapipe loads on a GPU-less machine and is much slower
 * than the CPU provider, so auto passes it over (an explicit --device webgpu still uses it). An
 * explicit choice that does not load falls back to the CPU. Before a GPU provider is used, it
 * must pass the reference self-test (main/providers/provider-self-test.ts, cached per driver);
 * a provider that miscomputes falls back to the CPU. Every fallback comes with its reason.
 */
import type { ExecutionProviderInfo, ExecutionProviderName, ProviderSelfTest } from '../../core/api';
import { providerLine, providerStatus } from '../../core/text/provider-status';
import { loadOrt, probeExecutionProviders } from '../providers';
import { adapterFor } from '../providers/adapters';
import { realHost } from '../providers/host-probe';
import { selfTestProvider } from '../providers/provider-self-test';
import type { DeviceChoice, TrainDevice } from './types';

export const AUTO_ORDER: readonly TrainDevice[] = ['cuda', 'dml', 'coreml', 'webgpu'];

export interface ResolvedDevice {
  device: TrainDevice;
  /** why the requested (or, for auto, any GPU) provider is not used; null when it is */
  fallbackReason: string | null;
}

export interface SelectedDevice extends ResolvedDevice {
  /** the provider self-test's verdict for the device used (null on the CPU) */
  selfTest: ProviderSelfTest | null;
}

/** Which providers to load: `only` the one asked for, or for auto `hardwareOnly` (see ProbeOptions). */
export interface ProbeScope {
  only?: readonly ExecutionProviderName[];
  hardwareOnly?: boolean;
}
export type Probe = (scope: ProbeScope) => Promise<ExecutionProviderInfo[]>;
/** Runs (or recalls from the cache) the reference self-test of one provider. */
export type ProviderCheck = (device: TrainDevice) => Promise<ProviderSelfTest>;

const defaultProbe: Probe = (scope) => probeExecutionProviders({ timeoutMs: 30_000, ...scope });

export const defaultProviderCheck: ProviderCheck = async (device) => {
  const ort = await loadOrt();
  return selfTestProvider(device, { ort, driverKey: adapterFor(device, realHost).driverKey });
};

function softwareNote(i: ExecutionProviderInfo): string {
  return `${i.label} runs on a software adapter (${i.adapter ?? 'emulated on the CPU'}), slower than the CPU provider; --device ${i.name} uses it anyway`;
}

/** Where the technical reasons are, for a fallback line that gives the plain ones. */
const DETAILS = 'details: Machine in the studio, or `cnn-studio devices`';

export async function resolveDevice(choice: DeviceChoice, probe: Probe = defaultProbe): Promise<ResolvedDevice> {
  if (choice === 'cpu') return { device: 'cpu', fallbackReason: null };
  // Only what the choice can use is loaded: an explicit provider alone; for auto, hardware ones.
  const infos = await probe(choice === 'auto' ? { hardwareOnly: true } : { only: [choice] });
  const info = (name: string): ExecutionProviderInfo | undefined => infos.find((i) => i.name === name);
  if (choice !== 'auto') {
    const i = info(choice);
    if (i?.available) return { device: choice, fallbackReason: null };
    if (!i) return { device: 'cpu', fallbackReason: `${choice} is not available: unknown provider` };
    return { device: 'cpu', fallbackReason: `${i.label} is not available: ${providerStatus(i)} (${DETAILS})` };
  }
  for (const name of AUTO_ORDER) {
    const i = info(name);
    if (i?.available && i.software !== true) return { device: name, fallbackReason: null };
  }
  const offered = AUTO_ORDER.map(info).filter((i): i is ExecutionProviderInfo => !!i && i.offered);
  if (offered.length === 0) return { device: 'cpu', fallbackReason: `no GPU provider is offered on ${process.platform}/${process.arch}` };
  // A software adapter counts as there (auto passes it over) whether or not it was loaded.
  const isSoftware = (i: ExecutionProviderInfo): boolean => i.software === true && (i.available || i.reason?.startsWith('not loaded:') === true);
  const why = offered.map((i) => (isSoftware(i) ? softwareNote(i) : providerLine(i))).join('; ');
  const anyLoaded = offered.some((i) => i.available || isSoftware(i));
  return { device: 'cpu', fallbackReason: `${anyLoaded ? 'no hardware GPU works here' : 'no GPU works here'}. ${why}. (${DETAILS})` };
}

export interface SelectOptions {
  probe?: Probe;
  check?: ProviderCheck;
}

/** resolveDevice, then the provider self-test; the device to use and why it is not the one asked for. */
export async function selectDevice(choice: DeviceChoice, o: SelectOptions = {}): Promise<SelectedDevice> {
  const resolved = await resolveDevice(choice, o.probe ?? defaultProbe);
  if (resolved.device === 'cpu') return { ...resolved, selfTest: null };
  let selfTest: ProviderSelfTest;
  try {
    selfTest = await (o.check ?? defaultProviderCheck)(resolved.device);
  } catch (e) {
    return { device: 'cpu', fallbackReason: `${resolved.device} self-test failed to run: ${(e as Error).message}`, selfTest: null };
  }
  if (!selfTest.passed) return { device: 'cpu', fallbackReason: `${resolved.device} ${selfTest.message}`, selfTest };
  return { ...resolved, selfTest };
}
