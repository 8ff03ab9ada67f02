import { useState } from 'react';
import type { ExecutionProviderInfo, StudioClient } from '../../core/api';
import { providerStatus } from '../../core/text/provider-status';

/** onnxruntime's own words and the full list of what is missing: for whoever fixes the machine. */
function Technical({ text }: { text: string }) {
  return (
    <details className="reason-more">
      <summary>Technical detail</summary>
      <p className="mono small">{text}</p>
    </details>
  );
}

/** A provider that does not load: what it means in plain words, the runtime's text behind a disclosure. */
function Detail({ p }: { p: ExecutionProviderInfo }) {
  if (!p.available) {
    return (
      <>
        <span className="provider-status" data-testid={`provider-status-${p.name}`}>
          {providerStatus(p)}
        </span>
        {/* A provider built for another system needs no detail beyond the status. */}
        {p.reason && p.offered && <Technical text={p.reason} />}
      </>
    );
  }
  const t = p.selfTest;
  return (
    <>
      <span className="provider-status" data-testid={`provider-status-${p.name}`}>
        {providerStatus(p)}
        {p.adapter && p.name !== 'cpu' ? ` on ${p.adapter}` : ''}
      </span>
      {p.software && (
        <span className="badge warn" title="A GPU emulated on the CPU: slower than the CPU provider. Auto does not choose it.">
          software adapter
        </span>
      )}
      {p.name !== 'cpu' && (
        <span className="self-test" data-testid={`self-test-${p.name}`}>
          {t
            ? `${t.passed ? 'Self-test passed' : 'Self-test refused it'}${t.layout === 'NCHW' ? ' (NCHW layout)' : ''}: ${t.message}`
            : 'Not self-tested yet: the self-test against the CPU runs before its first use.'}
        </span>
      )}
      {p.probeMs !== null && <span className="muted small"> · loaded in {p.probeMs} ms</span>}
    </>
  );
}

/** Which execution providers load on this machine, on which adapter, and why the others do not. */
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
                <td className="reason">
                  <Detail p={p} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
