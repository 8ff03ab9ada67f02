import { Inspector } from '../editor/Inspector';
import { ProblemsPanel } from '../editor/ProblemsPanel';
import { useAnalysis } from '../state/analysis';
import { useUi, type RightTab } from '../state/ui';
import { SummaryPanel } from '../summary/SummaryPanel';

/** Inspector, summary and problems, one at a time. */
export function RightPanel() {
  const tab = useUi((s) => s.rightTab);
  const setTab = useUi((s) => s.setTab);
  const errors = useAnalysis((s) => s.analysis.diagnostics.filter((d) => d.severity === 'error').length);
  const warnings = useAnalysis((s) => s.analysis.diagnostics.length) - errors;
  const tabs: { id: RightTab; label: string }[] = [
    { id: 'inspector', label: 'Inspector' },
    { id: 'summary', label: 'Summary' },
    { id: 'problems', label: 'Problems' },
  ];
  return (
    <aside className="right-panel">
      <div className="tabs" role="tablist">
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            className={tab === t.id ? 'active' : ''}
            data-testid={`tab-${t.id}`}
            onClick={() => setTab(t.id)}
          >
            {t.label}
            {t.id === 'problems' && (errors > 0 || warnings > 0) && (
              <span className={`badge ${errors ? 'err' : 'warn'}`} data-testid="problem-count">
                {errors || warnings}
              </span>
            )}
          </button>
        ))}
      </div>
      <div className="tab-body">
        {tab === 'inspector' && <Inspector />}
        {tab === 'summary' && <SummaryPanel />}
        {tab === 'problems' && <ProblemsPanel />}
      </div>
    </aside>
  );
}
