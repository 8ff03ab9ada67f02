import { memo } from 'react';
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from '@xyflow/react';
import type { FlowEdge } from './flow-model';

/** A connection labelled with the tensor shape it carries ('?' while upstream has an error). */
export const ShapeEdge = memo(function ShapeEdge(props: EdgeProps<FlowEdge>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, selected, markerEnd } = props;
  const [path, lx, ly] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const cls = `shape-edge${selected ? ' selected' : ''}${data?.unknown ? ' unknown' : ''}${data?.inner ? ' inner' : ''}`;
  return (
    <>
      <BaseEdge id={id} path={path} className={cls} {...(markerEnd ? { markerEnd } : {})} interactionWidth={16} />
      {data?.label && (
        <EdgeLabelRenderer>
          <div
            className={`edge-label${data.unknown ? ' unknown' : ''}${selected ? ' selected' : ''}${data.inner ? ' inner' : ''}`}
            style={{ transform: `translate(-50%, -50%) translate(${lx}px, ${ly}px)` }}
            data-testid="edge-label"
          >
            {data.label}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
});
