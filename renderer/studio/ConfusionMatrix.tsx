import type { EvalView } from '../../core/api';

/** Rows: true class, columns: predicted. Colour by the row's share; click a cell for its images. */
export function ConfusionMatrix({ ev, selected, onSelect }: { ev: EvalView; selected: { t: number; p: number } | null; onSelect(t: number, p: number): void }) {
  const n = ev.classes.length;
  return (
    <div className="cm-wrap">
      <table className="cm" data-testid="confusion-matrix" style={{ ['--cm-n' as string]: n }}>
        <thead>
          <tr>
            <th className="cm-corner">
              <span>true ↓ / predicted →</span>
            </th>
            {ev.classes.map((c) => (
              <th key={c} className="cm-col" title={c}>
                <span>{c}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {ev.confusion.map((row, t) => {
            const total = row.reduce((a, b) => a + b, 0) || 1;
            return (
              <tr key={t}>
                <th className="cm-row" title={ev.classes[t]}>
                  {ev.classes[t]}
                </th>
                {row.map((v, p) => {
                  const share = v / total;
                  const sel = selected?.t === t && selected.p === p;
                  return (
                    <td
                      key={p}
                      data-true={ev.classes[t]}
                      data-pred={ev.classes[p]}
                      className={`cm-cell${t === p ? ' diag' : ''}${sel ? ' selected' : ''}${v ? '' : ' zero'}${share > 0.55 ? ' strong' : ''}`}
                      style={{ ['--share' as string]: share.toFixed(3) }}
                      title={`${ev.classes[t]} → ${ev.classes[p]}: ${v} (${(share * 100).toFixed(1)}%)`}
                      onClick={() => onSelect(t, p)}
                      role="button"
                      tabIndex={0}
                      onKeyDown={(e) => e.key === 'Enter' && onSelect(t, p)}
                    >
                      {v}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
