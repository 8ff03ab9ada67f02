import { useState } from 'react';
import type { ExecutionProviderInfo, StudioClient } from '../../core/api';

/** Which execution providers load on this machine, and why the others do not. */
export function ProvidersPanel({ api }: { api: StudioClient }) {
  const [providers, setProviders] = useState<ExecutionProviderInfo[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const probe = (refresh: boolean) => {
    setBusy(true);
    setError(null);
    api
      .executionProviders({ refresh })
      .then(setProviders, (e: Error) => setError(e.message))
      .finally(() => setBusy(false));
  };

  return (
    <section className="card" aria-labelledby="providers-title">
      <div className="card-head">
        <h2 id="providers-title">Execution providers</h2>
        <button type="button" onClick={() => probe(providers !== null)} disabled={busy}>
          {busy ? 'Checking…' : providers ? 'Check again' : 'Check this machine'}
        </button>
      </div>
      {error && <p className="banner error">{error}</p>}
      {providers && (
        <table className="providers" data-testid="providers">
          <tbody>
            {providers.map((p) => (
              <tr key={p.name} className={p.available ? 'ok' : p.offered ? 'fail' : 'absent'}>
                <td className="dot">{p.available ? '●' : '○'}</td>
                <td>{p.label}</td>
                <td className="reason">{p.available ? `loads here (${p.probeMs} ms)` : p.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
