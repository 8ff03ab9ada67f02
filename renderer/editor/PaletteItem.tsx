import type { Params } from '../../core/graph/types';
import { categoryColor } from './category-colors';
import { BLOCK_MIME } from './dnd';

interface Props {
  type: string;
  label: string;
  category: string;
  description: string;
  testId?: string;
  params?: Params;
  /** The other name a search found it by ("softmax"), shown beside the label. */
  alias?: string | null;
  onAdd(): void;
}

export function PaletteItem({ type, label, category, description, testId, params, alias, onAdd }: Props) {
  return (
    <button
      type="button"
      className="palette-item"
      data-testid={testId ?? `palette-${type}`}
      title={`${description}\nClick: add under the selected block and connect it. Drag: place it.`}
      draggable
      onDragStart={(e) => {
        e.dataTransfer.setData(BLOCK_MIME, type);
        if (params) e.dataTransfer.setData(`${BLOCK_MIME}-params`, JSON.stringify(params));
        e.dataTransfer.effectAllowed = 'copy';
      }}
      onClick={onAdd}
    >
      <span className="chip" style={{ background: categoryColor(category) }} />
      {alias ? (
        <span className="palette-text">
          <span className="palette-label">{label}</span>
          <span className="palette-alias">as “{alias}”</span>
        </span>
      ) : (
        <span className="palette-label">{label}</span>
      )}
    </button>
  );
}
