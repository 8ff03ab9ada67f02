import { useUi } from '../state/ui';

/** What an empty canvas says: how to start, without hiding anything behind a menu. */
export function EmptyCanvasHint() {
  const open = useUi((s) => s.open);
  return (
    <div className="empty-hint" data-testid="empty-hint">
      <h2>Start a model</h2>
      <p>Click a block in the palette to add it under the selected block, or drag it here. Connect an output (bottom) to an input (top).</p>
      <div className="empty-actions">
        <button type="button" className="primary" onClick={() => open('templates')}>Open a template…</button>
        <button type="button" onClick={() => open('shortcuts')}>Keyboard shortcuts (?)</button>
      </div>
    </div>
  );
}
