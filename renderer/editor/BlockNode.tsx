import { memo } from 'react';
import type { NodeProps } from '@xyflow/react';
import { useAnalysis } from '../state/analysis';
import { compact, thousands } from '../format';
import { categoryColor } from './category-colors';
import type { FlowNode } from './flow-model';
import { Ports } from './Ports';
import { ExpandToggle } from './ExpandToggle';

/** A block on the canvas: name, type, key parameters, output shape, parameter count, problems. */
export const BlockNode = memo(function BlockNode({ id, selected }: NodeProps<FlowNode>) {
  const v = useAnalysis((s) => s.views.get(id));
  if (!v) return null;
  const bad = v.errors > 0;
  return (
    <div
      className={`block-node${selected ? ' selected' : ''}${bad ? ' has-error' : v.warnings ? ' has-warning' : ''}${v.status === 'blocked' ? ' blocked' : ''}`}
      style={{ ['--cat' as string]: categoryColor(v.category) }}
      data-testid={`node-${id}`}
      data-node-name={v.name}
      data-node-type={v.type}
    >
      <Ports inputs={v.inPorts} outputs={v.outPorts} />
      <div className="bn-head">
        <span className="bn-name" title={v.name}>
          {v.name}
        </span>
        <span className="bn-type">{v.typeLabel}</span>
        {v.composite && <ExpandToggle id={id} expanded={false} />}
        {(v.errors > 0 || v.warnings > 0) && (
          <span className={`badge ${bad ? 'err' : 'warn'}`} data-testid="error-badge" title={v.firstProblem ?? ''}>
            {bad ? v.errors : v.warnings}
          </span>
        )}
      </div>
      {v.keyParams.map((line, i) => (
        <div className="bn-param" key={i}>
          {line}
        </div>
      ))}
      <div className="bn-foot">
        <span className="bn-shape" data-testid="node-shape">
          {v.outShapes.join(', ') || (v.outPorts.length ? '?' : '—')}
        </span>
        {v.params > 0 && (
          <span className="bn-params" title={`${thousands(v.params)} parameters`}>
            {compact(v.params)} p
          </span>
        )}
      </div>
    </div>
  );
});
