import type { VersionInfo } from '../../core/api';
import { useAnalysis } from '../state/analysis';
import { useDoc } from '../state/document';
import { thousands } from '../format';
import { plural } from '../../core/text/plural';

/** Backend version and host, the model's size, and how long the last validation took. */
export function StatusBar({ version }: { version: VersionInfo | null }) {
  const nodes = useDoc((s) => s.doc.nodes.length);
  const prims = useAnalysis((s) => s.analysis.graph.nodes.length);
  const ms = useAnalysis((s) => s.lastMs);
  const params = useAnalysis((s) => s.analysis.totals.params);
  return (
    <footer className="statusbar">
      {version ? (
        <span data-testid="backend-version">
          CNN Studio {version.studio} · onnxruntime {version.onnxruntime} · {version.host === 'electron' ? `Electron ${version.electron}` : 'serve mode'} ·{' '}
          {version.platform}/{version.arch}
        </span>
      ) : (
        <span>Connecting to the backend…</span>
      )}
      <span className="status-right" data-testid="doc-stats">
        {plural(nodes, 'block')} · {plural(prims, 'layer')} · {thousands(params)} params · validated in <span data-testid="validate-ms">{ms.toFixed(1)}</span>{' '}
        ms
      </span>
    </footer>
  );
}
