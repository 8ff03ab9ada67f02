import { useAnalysis } from '../state/analysis';
import { bytes, compact, thousands } from '../format';

/** The model's totals: the numbers people compare with papers and torchvision. */
export function Totals() {
  const t = useAnalysis((s) => s.analysis.totals);
  const ok = useAnalysis((s) => s.analysis.ok);
  return (
    <div className="totals">
      <div className="stat">
        <span className="stat-label">Parameters</span>
        <span className="stat-value" data-testid="total-params">
          {thousands(t.params)}
        </span>
        <span className="stat-sub">{t.nonTrainableParams ? `${thousands(t.trainableParams)} trainable` : 'all trainable'}</span>
      </div>
      <div className="stat">
        {/* Short label: the panel is narrow and labels are upper-case; the unit goes below. */}
        <span className="stat-label" title="Multiply-accumulates per sample (conv + dense)">
          MACs
        </span>
        <span className="stat-value" data-testid="total-macs">
          {compact(t.macs)}
        </span>
        <span className="stat-sub">per sample, conv + dense</span>
      </div>
      <div className="stat">
        <span className="stat-label">Activations</span>
        <span className="stat-value">{bytes(t.activationBytes)}</span>
        <span className="stat-sub">per sample</span>
      </div>
      {!ok && <p className="stat-note">The model has errors: totals count the parts that check out.</p>}
    </div>
  );
}
