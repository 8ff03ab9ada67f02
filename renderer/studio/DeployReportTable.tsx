import type { DeployReport, DeployRow } from '../../core/deploy/report';

const percent = (x: number | null): string => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);

function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(0)} KiB`;
}

/** The accuracy cost against fp32, in points (what a person weighs against size and speed). */
function delta(row: DeployRow, fp32: DeployRow | undefined): string {
  if (!fp32 || row === fp32 || row.accuracy === null || fp32.accuracy === null) return '';
  const d = (row.accuracy - fp32.accuracy) * 100;
  const sign = Math.abs(d) < 0.05 ? '±' : d > 0 ? '+' : '−';
  return ` (${sign}${Math.abs(d).toFixed(1)})`;
}

/** The deploy report of an export: fp32 vs int8 (vs fp16) side by side, the exported one marked. */
export function DeployReportTable({ report }: { report: DeployReport }) {
  const fp32 = report.rows.find((r) => r.precision === 'fp32');
  const held = report.heldOut ? `${report.heldOut.images} held-out images (${report.heldOut.split} split)` : 'no held-out images';
  return (
    <div className="deploy-report" data-testid="deploy-report">
      <h4>Deploy report</h4>
      <p className="muted small">
        {held}; timings on {report.machine.cpu}, {report.machine.threads} threads
        {report.calibration ? `; int8 calibrated on ${report.calibration.images} training images (${report.calibration.method})` : ''}.
      </p>
      <table className="per-class" aria-label="Deploy report">
        <thead>
          <tr>
            <th>precision</th>
            <th>runs on</th>
            <th>file size</th>
            <th>accuracy</th>
            <th>agrees with fp32</th>
            <th>latency p50 / p95, batch 1</th>
            <th>throughput, batch 32</th>
          </tr>
        </thead>
        <tbody>
          {report.rows.map((r) => (
            <tr key={r.precision} className={r.precision === report.precision ? 'current' : undefined} data-precision={r.precision}>
              <td>
                {r.precision}
                {r.precision === report.precision ? ' (this file)' : ''}
              </td>
              <td>{r.device}</td>
              <td>{size(r.bytes)}</td>
              <td>
                {percent(r.accuracy)}
                {delta(r, fp32)}
              </td>
              <td>{percent(r.agreement)}</td>
              <td>
                {r.latencyP50Ms.toFixed(2)} / {r.latencyP95Ms.toFixed(2)} ms
              </td>
              <td>{r.throughputB32.toFixed(0)} images/s</td>
            </tr>
          ))}
        </tbody>
      </table>
      {report.notes.length > 0 && (
        <ul className="muted small">
          {report.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
