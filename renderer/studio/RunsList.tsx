import type { TrainSettingsInput } from '../../core/api';
import { useStudio } from '../state/studio';

const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);

/** Every run with its settings; pick one to show, tick several to compare their curves. */
export function RunsList() {
  const runs = useStudio((s) => s.runs);
  const current = useStudio((s) => s.currentRun);
  const compare = useStudio((s) => s.compare);
  const list = Object.values(runs).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  if (list.length === 0) return null;
  const toggle = (id: string) => useStudio.setState({ compare: compare.includes(id) ? compare.filter((c) => c !== id) : [...compare, id] });
  return (
    <section className="runs">
      <h3>Runs</h3>
      <table className="runs-table" data-testid="runs-list">
        <thead>
          <tr>
            <th title="Compare">⇆</th>
            <th>Run</th>
            <th>Status</th>
            <th>Epochs</th>
            <th>Best val acc</th>
            <th>Settings</th>
          </tr>
        </thead>
        <tbody>
          {list.map((r) => (
            <tr key={r.id} className={r.id === current ? 'current' : ''} data-run={r.id}>
              <td>
                <input type="checkbox" aria-label={`compare ${r.id}`} checked={compare.includes(r.id)} onChange={() => toggle(r.id)} />
              </td>
              <td>
                <button type="button" className="link" onClick={() => useStudio.setState({ currentRun: r.id, evaluation: null })}>
                  {r.name}
                </button>
              </td>
              <td className={`st ${r.status}`}>{r.status}</td>
              <td>
                {r.history.length}/{r.epochs}
              </td>
              <td>{pct(r.bestValAccuracy)}</td>
              <td className="muted small">
                {r.settings.optimizer} lr {r.settings.lr} · {r.settings.schedule} · batch {r.settings.batchSize} · wd {r.settings.weightDecay}
                {r.settings.labelSmoothing ? ` · ls ${r.settings.labelSmoothing}` : ''}
                {r.settings.augment === true || r.settings.augment === 'light' ? ' · augment' : r.settings.augment === 'imagenet' ? ' · imagenet augment' : ''}
                {fineTuneText(r.settings)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** " · freeze backbone · phase 2: 1 epoch(s) at 0.1 x lr" for a fine-tuning run, else nothing. */
function fineTuneText(s: TrainSettingsInput): string {
  const freeze = s.freeze !== undefined && s.freeze !== 'none' ? ` · freeze ${s.freeze}` : '';
  const phase2 = (s.phase2Epochs ?? 0) > 0 ? ` · phase 2: ${s.phase2Epochs} epoch(s) at ${s.phase2LrScale ?? 0.1} x lr` : '';
  return freeze + phase2;
}
