import { memo } from 'react';
import type { NodeProps } from '@xyflow/react';
import { getBlock } from '../../core/blocks/index';
import { useAnalysis } from '../state/analysis';
import { compact, shapeText } from '../format';
import { categoryColor } from './category-colors';
import type { FlowNode } from './flow-model';
import { Ports } from './Ports';

/** A primitive inside an expanded composite: read-only, selectable for the summary. */
export const PrimNode = memo(function PrimNode({ id, selected }: NodeProps<FlowNode>) {
  const p = useAnalysis((s) => s.primById.get(id));
  if (!p) return null;
  const block = getBlock(p.type);
  const rel = p.id.slice(p.id.indexOf('/') + 1);
  return (
    <div
      className={`prim-node${selected ? ' selected' : ''}`}
      style={{ ['--cat' as string]: categoryColor(block?.category ?? 'Unknown') }}
      data-testid={`prim-${p.name}`}
    >
      <Ports inputs={p.inShapes.map((_, i) => `x${i}`)} outputs={p.outShapes.map((_, i) => `y${i}`)} connectable={false} />
      <div className="bn-head">
        <span className="bn-name" title={p.name}>
          {rel}
        </span>
        <span className="bn-type">{block?.label ?? p.type}</span>
      </div>
      <div className="bn-foot">
        <span className="bn-shape">{p.outShapes.map((s) => shapeText(s)).join(', ')}</span>
        {p.paramCount > 0 && <span className="bn-params">{compact(p.paramCount)} p</span>}
      </div>
    </div>
  );
});
