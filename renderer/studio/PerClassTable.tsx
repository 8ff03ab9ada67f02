import type { EvalView } from '../../core/api';

/** Precision, recall, F1 and support per class; the weakest F1 is marked. */
export function PerClassTable({ ev }: { ev: EvalView }) {
  const worst = Math.min(...ev.perClass.map((c) => c.f1));
  const best = Math.max(...ev.perClass.map((c) => c.f1));
  return (
    <table className="per-class" data-testid="per-class">
      <thead>
        <tr>
          <th>Class</th>
          <th>Precision</th>
          <th>Recall</th>
          <th>F1</th>
          <th>Images</th>
        </tr>
      </thead>
      <tbody>
        {ev.perClass.map((c) => (
          <tr key={c.class} className={c.f1 === worst && worst < best ? 'weak' : ''}>
            <td>{c.class}</td>
            <td>{c.precision.toFixed(3)}</td>
            <td>{c.recall.toFixed(3)}</td>
            <td>{c.f1.toFixed(3)}</td>
            <td>{c.support}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
