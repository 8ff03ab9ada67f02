import { useEffect, useState } from 'react';
import type { ExecutionProviderInfo, TrainSettingsInput } from '../../core/api';
import { TRAIN_DEVICES } from '../../core/api';
import { providerStatus } from '../../core/text/provider-status';
import { useStudio } from '../state/studio';

type Device = TrainSettingsInput['device'];

/** Devices the trainer can use: each provider that loads here, and for the others, why not. */
export function DeviceSelect() {
  const api = useStudio((s) => s.api);
  const device = useStudio((s) => s.settings.device);
  const setSettings = useStudio((s) => s.setSettings);
  const [providers, setProviders] = useState<ExecutionProviderInfo[] | null>(null);
  useEffect(() => {
    api?.executionProviders({}).then(setProviders, () => setProviders([]));
  }, [api]);
  const info = (d: Device) => providers?.find((p) => p.name === d);
  const usable = (d: Device) => d === 'auto' || d === 'cpu' || info(d)?.available === true;
  const software = (providers ?? []).filter((p) => p.available && p.software === true);
  const unavailable = (providers ?? []).filter((p) => p.name !== 'cpu' && !p.available && (TRAIN_DEVICES as readonly string[]).includes(p.name));
  return (
    <div className="field device-select">
      <label className="field-label" htmlFor="train-device">
        Device
      </label>
      <select id="train-device" value={device} data-testid="train-device" onChange={(e) => setSettings({ device: e.target.value as Device })}>
        {TRAIN_DEVICES.map((d) => (
          <option key={d} value={d} disabled={!usable(d)}>
            {d === 'auto'
              ? 'Auto (best GPU that loads, else CPU)'
              : `${info(d)?.label ?? d}${usable(d) ? (info(d)?.software ? ' — software, slower than CPU' : '') : ' — not available'}`}
          </option>
        ))}
      </select>
      {providers === null && <p className="muted small">Checking which execution providers load…</p>}
      {device === 'auto' && software.length > 0 && (
        <p className="muted small">
          Auto skips {software.map((p) => p.label).join(', ')}: {software.length === 1 ? 'it runs' : 'they run'} on a software adapter that emulates a GPU on
          the CPU.
        </p>
      )}
      {unavailable.length > 0 && (
        <details className="muted small">
          <summary>Why some are unavailable</summary>
          <ul>
            {unavailable.map((p) => (
              <li key={p.name} title={p.reason ?? undefined}>
                <b>{p.label}</b>: {providerStatus(p)}
              </li>
            ))}
          </ul>
          <p>The Machine dialog (top right) has the technical detail.</p>
        </details>
      )}
    </div>
  );
}
