import { useReactFlow } from '@xyflow/react';
import { useAnalysis } from '../state/analysis';
import { useDoc } from '../state/document';
import { DiagnosticItem } from './DiagnosticItem';

/** Every diagnostic in the model; clicking one selects its block and brings it into view. */
export function ProblemsPanel() {
  const diags = useAnalysis((s) => s.analysis.diagnostics);
  const rf = useReactFlow();
  if (!diags.length)
    return (
      <p className="muted pad" data-testid="no-problems">
        No problems: every shape checks out.
      </p>
    );
  return (
    <ul className="diag-list problems" data-testid="problems">
      {diags.map((d, i) => (
        <DiagnosticItem
          key={i}
          d={d}
          onSelect={() => {
            if (!d.node) return;
            useDoc.getState().select([d.node]);
            const n = rf.getNode(d.node);
            if (n) void rf.setCenter(n.position.x + 100, n.position.y + 40, { zoom: Math.max(rf.getZoom(), 0.8), duration: 300 });
          }}
        />
      ))}
    </ul>
  );
}
