import { setExpanded } from '../state/commands';

/** Shows a composite's inner blocks on the canvas, or folds them back into one node. */
export function ExpandToggle({ id, expanded }: { id: string; expanded: boolean }) {
  return (
    <button
      type="button"
      className="icon-btn expand-toggle nodrag"
      data-testid="expand-toggle"
      title={expanded ? 'Collapse (E)' : 'Expand (E)'}
      onClick={(e) => {
        e.stopPropagation();
        setExpanded(id, !expanded);
      }}
    >
      {expanded ? '▾' : '▸'}
    </button>
  );
}
