import { useAnalysis } from '../state/analysis';
import { useDoc } from '../state/document';
import { LayerTable } from './LayerTable';
import { MemoryEstimate } from './MemoryEstimate';
import { ReceptiveFieldView } from './ReceptiveFieldView';
import { Totals } from './Totals';

/** Totals, training memory, the selected layer's receptive field, and the per-layer table. */
export function SummaryPanel() {
  const sel = useDoc((s) => (s.selection.length === 1 ? s.selection[0]! : null));
  const a = useAnalysis();
  const input = a.analysis.graph.nodes.find((p) => p.type === 'input')?.outShapes[0] ?? null;
  const prim = sel ? a.primById.get(sel) : undefined;
  const report = sel ? a.analysis.nodes.get(sel) : undefined;
  // A block's field is that of its last primitive (its output).
  const last = report ? a.primById.get(report.primitives[report.primitives.length - 1] ?? '') : undefined;
  const p = prim ?? last;
  return (
    <div className="summary" data-testid="summary">
      <Totals />
      <MemoryEstimate />
      <ReceptiveFieldView input={input} rf={p?.rf ?? null} rfW={p?.rfW ?? null} out={p?.outShapes[0] ?? null} label={report?.name ?? p?.name ?? ''} />
      <LayerTable />
    </div>
  );
}
