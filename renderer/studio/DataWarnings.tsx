import type { DatasetScan } from '../../core/api';

/** Imbalance and other scanner warnings, and every unreadable file by name (they are skipped). */
export function DataWarnings({ scan }: { scan: DatasetScan }) {
  if (scan.warnings.length === 0 && scan.corrupt.length === 0) return null;
  return (
    <div className="data-warnings" data-testid="dataset-warnings">
      {scan.warnings.map((w, i) => (
        <p key={i} className="banner warn">
          {w}
        </p>
      ))}
      {scan.corrupt.length > 0 && (
        <details className="banner warn" open={scan.corrupt.length <= 5} data-testid="dataset-corrupt">
          <summary>
            {scan.corrupt.length} unreadable file{scan.corrupt.length > 1 ? 's' : ''} will be skipped
          </summary>
          <ul className="mono small">
            {scan.corrupt.slice(0, 200).map((c) => (
              <li key={c.path}>
                {c.path}: {c.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
