import { memo } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { useAnalysis } from '../state/analysis';
import { compact, thousands } from '../format';
import { categoryColor } from './category-colors';
import type { FlowNode } from './flow-model';
import { Ports } from './Ports';
import { ExpandToggle } from './ExpandToggle';

/**
 * An expanded composite: a frame around its primitives. Outside connections attach to its
 * ports; hidden inner handles (`e<i>` under input i, `x<i>` over output i) carry them inside.
 */
export const FrameNode = memo(function FrameNode({ id, selected }: NodeProps<FlowNode>) {
  const v = useAnalysis((s) => s.views.get(id));
  if (!v) return null;
  const at = (i: number, n: number) => `${((i + 1) / (n + 1)) * 100}%`;
  return (
    <div
      className={`frame-node${selected ? ' selected' : ''}${v.errors ? ' has-error' : ''}`}
      style={{ ['--cat' as string]: categoryColor(v.category) }}
      data-testid={`node-${id}`}
      data-node-name={v.name}
      data-node-type={v.type}
    >
      <Ports inputs={v.inPorts} outputs={v.outPorts} />
      {v.inPorts.map((_, i) => (
        <Handle
          key={`e${i}`}
          id={`e${i}`}
          type="source"
          position={Position.Top}
          isConnectable={false}
          className="port-hidden"
          style={{ left: at(i, v.inPorts.length), top: 56 }}
        />
      ))}
      {v.outPorts.map((_, i) => (
        <Handle
          key={`x${i}`}
          id={`x${i}`}
          type="target"
          position={Position.Bottom}
          isConnectable={false}
          className="port-hidden"
          style={{ left: at(i, v.outPorts.length), bottom: 8 }}
        />
      ))}
      <div className="frame-head">
        <ExpandToggle id={id} expanded />
        <span className="bn-name">{v.name}</span>
        <span className="bn-type">{v.typeLabel}</span>
        {v.errors > 0 && (
          <span className="badge err" data-testid="error-badge" title={v.firstProblem ?? ''}>
            {v.errors}
          </span>
        )}
        <span className="frame-meta" title={`${thousands(v.params)} parameters`}>
          {v.outShapes.join(', ')} · {compact(v.params)} p
        </span>
      </div>
    </div>
  );
});
