import { useState } from 'react';
import type { DoctorDuplicate, DoctorMislabel, DoctorOutlier, DoctorReport } from '../../core/data/doctor-report';

/** What the panel did to an image (rel path -> words shown in place of its actions). */
export type DoneMarks = Record<string, string>;

export interface ImageActions {
  thumbs: Record<string, string>;
  done: DoneMarks;
  classes: string[];
  busy: boolean;
  move(rel: string, toClass: string): void;
  exclude(rel: string): void;
}

const pct = (x: number): string => `${(x * 100).toFixed(0)}%`;

function Thumb({ path, thumbs }: { path: string; thumbs: Record<string, string> }) {
  return thumbs[path] ? <img src={thumbs[path]} alt={path} width={56} height={56} /> : <span className="no-thumb">?</span>;
}

/** Move to class (a picker, preset to the suggestion) and Exclude, or what was done. */
function Actions({ rel, suggested, a }: { rel: string; suggested?: string; a: ImageActions }) {
  const [target, setTarget] = useState(suggested ?? a.classes[0] ?? '');
  if (a.done[rel]) return <span className="small doctor-done">{a.done[rel]}</span>;
  return (
    <span className="doctor-actions">
      <select value={target} aria-label={`Class for ${rel}`} onChange={(e) => setTarget(e.target.value)} disabled={a.busy}>
        {a.classes.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
      <button type="button" disabled={a.busy} onClick={() => a.move(rel, target)} aria-label={`Move ${rel} to class`}>
        Move to class
      </button>
      <button type="button" disabled={a.busy} onClick={() => a.exclude(rel)} aria-label={`Exclude ${rel}`}>
        Exclude
      </button>
    </span>
  );
}

function MislabelItem({ m, a }: { m: DoctorMislabel; a: ImageActions }) {
  return (
    <li className="doctor-item" title={m.path}>
      <Thumb path={m.path} thumbs={a.thumbs} />
      <span className="doctor-text">
        <code>{m.rel}</code>
        <span className="small">
          filed as <b>{m.label}</b>, looks like <b>{m.suggested}</b> ({pct(m.confidence)})
        </span>
      </span>
      <Actions rel={m.rel} suggested={m.suggested} a={a} />
    </li>
  );
}

function DuplicateItem({ d, a }: { d: DoctorDuplicate; a: ImageActions }) {
  return (
    <li className="doctor-item doctor-group">
      <span className="small">
        {d.crossSplit && <b className="tag warn">leakage: train and validation</b>} {d.crossClass && <b className="tag warn">across classes</b>} correlation{' '}
        {d.similarity.toFixed(3)}, embedding cosine {d.embeddingCosine.toFixed(3)}
      </span>
      <ul className="doctor-members">
        {d.paths.map((p, i) => (
          <li key={p} title={p}>
            <Thumb path={p} thumbs={a.thumbs} />
            <code className="small">{d.rels[i]}</code>
            <span className="small muted">{d.labels[i]}</span>
            {a.done[d.rels[i]!] ? (
              <span className="small doctor-done">{a.done[d.rels[i]!]}</span>
            ) : (
              <button type="button" disabled={a.busy} onClick={() => a.exclude(d.rels[i]!)} aria-label={`Exclude ${d.rels[i]}`}>
                Exclude
              </button>
            )}
          </li>
        ))}
      </ul>
    </li>
  );
}

function OutlierItem({ o, a }: { o: DoctorOutlier; a: ImageActions }) {
  return (
    <li className="doctor-item" title={o.path}>
      <Thumb path={o.path} thumbs={a.thumbs} />
      <span className="doctor-text">
        <code>{o.rel}</code>
        <span className="small">
          {o.label}; nearest class <b>{o.nearest}</b>, distance {o.distance.toFixed(3)}
        </span>
      </span>
      <Actions rel={o.rel} suggested={o.nearest} a={a} />
    </li>
  );
}

const SHOWN = 50;

/** The report's lists, each with its count; long lists show their first SHOWN entries. */
export function DoctorLists({ report, a }: { report: DoctorReport; a: ImageActions }) {
  return (
    <div className="doctor-lists">
      <section aria-label="Suspected label errors">
        <h4>Suspected label errors ({report.suspectedMislabels.length})</h4>
        {report.suspectedMislabels.length === 0 && <p className="muted">None found.</p>}
        <ul className="doctor-list">
          {report.suspectedMislabels.slice(0, SHOWN).map((m) => (
            <MislabelItem key={m.rel} m={m} a={a} />
          ))}
        </ul>
      </section>
      <section aria-label="Near-duplicates">
        <h4>Near-duplicates ({report.duplicates.length})</h4>
        {report.duplicates.length === 0 && <p className="muted">None found.</p>}
        <ul className="doctor-list">
          {report.duplicates.slice(0, SHOWN).map((d) => (
            <DuplicateItem key={d.rels.join('|')} d={d} a={a} />
          ))}
        </ul>
      </section>
      <section aria-label="Outliers">
        <h4>Outliers ({report.outliers.length})</h4>
        {report.outliers.length === 0 && <p className="muted">None found.</p>}
        <ul className="doctor-list">
          {report.outliers.slice(0, SHOWN).map((o) => (
            <OutlierItem key={o.rel} o={o} a={a} />
          ))}
        </ul>
      </section>
      {report.unreadable.length > 0 && (
        <section aria-label="Unreadable files">
          <h4>Unreadable files ({report.unreadable.length})</h4>
          <ul className="doctor-plain">
            {report.unreadable.map((u) => (
              <li key={u.path}>
                <code>{u.path}</code> <span className="muted">{u.reason}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

/** Paths whose thumbnails the lists show (the backend serves at most 200 per call). */
export function thumbPaths(r: DoctorReport): string[] {
  const all = [
    ...r.suspectedMislabels.slice(0, SHOWN).map((m) => m.path),
    ...r.duplicates.slice(0, SHOWN).flatMap((d) => d.paths),
    ...r.outliers.slice(0, SHOWN).map((o) => o.path),
  ];
  return [...new Set(all)].slice(0, 200);
}
