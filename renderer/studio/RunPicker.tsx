import { useStudio } from '../state/studio';

/** Which run a panel works on (the current run is shared by every panel). */
export function RunPicker({ needModel }: { needModel?: boolean }) {
  const runs = useStudio((s) => s.runs);
  const current = useStudio((s) => s.currentRun);
  const list = Object.values(runs)
    .filter((r) => !needModel || r.hasModel || r.id === current)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return (
    <select
      value={current ?? ''}
      data-testid="run-picker"
      aria-label="Run"
      onChange={(e) => useStudio.setState({ currentRun: e.target.value || null, evaluation: null })}
    >
      {list.length === 0 && <option value="">no runs yet</option>}
      {list.map((r) => (
        <option key={r.id} value={r.id}>
          {r.name} ({r.status})
        </option>
      ))}
    </select>
  );
}
