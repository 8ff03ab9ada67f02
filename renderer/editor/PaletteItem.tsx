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
  onAdd(): void;
}

export function PaletteItem({ type, label, category, description, testId, params, onAdd }: Props) {
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
      <span className="palette-label">{label}</span>
    </button>
  );
}
