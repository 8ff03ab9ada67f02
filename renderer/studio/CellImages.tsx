import type { EvalView } from '../../core/api';
import { ExplainToggle } from './ExplainToggle';

/** The images of one confusion-matrix cell: true and predicted class and the model's confidence. */
export function CellImages({ ev, t, p }: { ev: EvalView; t: number; p: number }) {
  const tn = ev.classes[t]!;
  const pn = ev.classes[p]!;
  // Mistakes most confident first; for the diagonal, the correct predictions the model was least sure of.
  const items = (t === p ? (ev.leastConfidentCorrect ?? []) : ev.misclassified).filter((m) => m.true === tn && m.predicted === pn);
  return (
    <section className="cell-images" data-testid="cell-images">
      <h3>
        {tn} predicted as {pn}{' '}
        <span className="muted">
          ({ev.confusion[t]![p]} image{ev.confusion[t]![p] === 1 ? '' : 's'})
        </span>
      </h3>
      {t === p && items.length > 0 && <p className="muted">Correct, least confident first (up to {items.length} shown).</p>}
      {items.length === 0 && <p className="muted">No images in this cell.</p>}
      <ul className="sample-grid">
        {items.slice(0, 120).map((m) => (
          <li key={m.path} className="sample" title={m.path}>
            <ExplainToggle source={{ runId: ev.runId }} image={{ path: m.path }} name={m.path.split(/[\\/]/).pop() ?? m.path} size={100}>
              {ev.thumbs[m.path] ? <img src={ev.thumbs[m.path]} alt={m.path} width={56} height={56} /> : <span className="no-thumb">?</span>}
            </ExplainToggle>
            <span className="small">
              true <b>{m.true}</b>
            </span>
            <span className="small">
              pred <b>{m.predicted}</b>
            </span>
            <span className="small muted">{(m.confidence * 100).toFixed(1)}%</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
