import type { DatasetScan } from '../../core/api';

/** One row per class: name, images per split, a bar relative to the largest class, thumbnails. */
export function ClassList({ scan }: { scan: DatasetScan }) {
  const max = Math.max(1, ...scan.classes.map((c) => c.train + c.val + c.test));
  return (
    <ul className="class-list" data-testid="dataset-classes">
      {scan.classes.map((c) => {
        const n = c.train + c.val + c.test;
        return (
          <li key={c.name} data-class={c.name} className="class-row">
            <span className="class-name" title={c.name}>
              {c.name}
            </span>
            <span className="class-count">
              {n}
              <span className="muted">
                {' '}
                ({c.train} train · {c.val} val{c.test ? ` · ${c.test} test` : ''})
              </span>
            </span>
            <span className="class-bar" aria-hidden>
              <span style={{ width: `${(n / max) * 100}%` }} />
            </span>
            <span className="class-thumbs">
              {c.thumbs.map((t, i) => (
                <img key={i} src={t} alt={`${c.name} sample ${i + 1}`} width={40} height={40} />
              ))}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
