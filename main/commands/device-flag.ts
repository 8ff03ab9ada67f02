/**
 * `--device` for eval, predict and bench: the same choices and selection as `train`
 * (main/trainer/device.ts: auto skips software adapters, explicit choices fall back to the CPU when
 * the provider does not load or fails its self-test), and the same message on a fallback.
 */
import { selectDevice, type SelectOptions, type SelectedDevice } from '../trainer/device';
import { DEVICE_CHOICES, type DeviceChoice } from '../trainer/types';
import { CliError, type CliIO } from './io';

export const DEVICE_HELP = `execution provider: ${DEVICE_CHOICES.join(', ')} (auto: the best hardware GPU provider that passes its self-test, else the CPU)`;

export function parseDeviceFlag(v: string | undefined, dflt: DeviceChoice): DeviceChoice {
  if (v === undefined) return dflt;
  if (!(DEVICE_CHOICES as readonly string[]).includes(v)) throw new CliError(`--device: "${v}" is not one of ${DEVICE_CHOICES.join(', ')}`);
  return v as DeviceChoice;
}

/** Selects the device; a fallback is reported on stderr as "<what> on the CPU: <reason>". */
export async function selectCliDevice(choice: DeviceChoice, io: CliIO, what: string, o: SelectOptions = {}): Promise<SelectedDevice> {
  const s = await selectDevice(choice, o);
  if (s.fallbackReason) io.err(`warning: ${what} on the CPU: ${s.fallbackReason}`);
  return s;
}
