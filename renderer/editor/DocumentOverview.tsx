import { useAnalysis } from '../state/analysis';
import { useDoc } from '../state/document';
import { compact, thousands } from '../format';
import { DiagnosticItem } from './DiagnosticItem';
import { plural } from '../../core/text/plural';

/** Nothing selected: the model at a glance and its graph-wide problems. */
export function DocumentOverview() {
  const totals = useAnalysis((s) => s.analysis.totals);
  const diags = useAnalysis((s) => s.analysis.diagnostics);
  const count = useDoc((s) => s.doc.nodes.length);
  const global = diags.filter((d) => d.node === null);
  return (
    <div className="inspector" data-testid="inspector">
      <header className="insp-head">
        <div>
          <div className="insp-type">Model</div>
          <div className="insp-desc">
            {plural(count, 'block')} · {thousands(totals.params)} parameters · {compact(totals.macs)} MACs
          </div>
        </div>
      </header>
      <p className="muted">Select a block to edit its parameters. Shift-click or drag a box to select several; Ctrl+G groups them.</p>
      {global.length > 0 && (
        <ul className="diag-list">
          {global.map((d, i) => (
            <DiagnosticItem key={i} d={d} />
          ))}
        </ul>
      )}
    </div>
  );
}
