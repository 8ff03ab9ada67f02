import { useStudio } from '../state/studio';
import { LineChart } from './LineChart';

const PALETTE = ['#3b6fe0', '#e0663b', '#1f9d55', '#9b59b6', '#c98a0b', '#d23f3f', '#17a2b8', '#6c757d'];

/** Validation accuracy and loss of the ticked runs on shared axes. */
export function CompareChart() {
  const runs = useStudio((s) => s.runs);
  const ids = useStudio((s) => s.compare).filter((id) => runs[id]);
  if (ids.length < 2) return ids.length === 1 ? <p className="muted small">Tick a second run to compare.</p> : null;
  const series = (pick: 'valAccuracy' | 'valLoss') =>
    ids.map((id, i) => ({
      label: id,
      color: PALETTE[i % PALETTE.length]!,
      points: runs[id]!.history.filter((e) => e[pick] !== null).map((e) => [e.epoch, e[pick]!] as const),
    }));
  return (
    <div className="charts compare" data-testid="compare-curves">
      <LineChart title="Validation accuracy" yMin={0} yMax={1} series={series('valAccuracy')} />
      <LineChart title="Validation loss" yMin={0} series={series('valLoss')} />
    </div>
  );
}
