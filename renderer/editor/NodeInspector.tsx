import { useEffect, useState } from 'react';
import { getBlock } from '../../core/blocks/index';
import { NAME_RE } from '../../core/graph/ids';
import type { ModelNode, Params } from '../../core/graph/types';
import { useAnalysis } from '../state/analysis';
import { setExpanded, ungroupSelected } from '../state/commands';
import { useDoc } from '../state/document';
import { renameNode, setParam, updateNode } from '../state/ops';
import { compact, shapeText, thousands } from '../format';
import { categoryColor } from './category-colors';
import { DiagnosticItem } from './DiagnosticItem';
import { ParamField } from './ParamField';

/** Name, parameters (generated from the block's specs), metrics and problems of one block. */
export function NodeInspector({ node, params }: { node: ModelNode; params: Params }) {
  const block = getBlock(node.type);
  const report = useAnalysis((s) => s.analysis.nodes.get(node.id));
  const diags = useAnalysis((s) => s.byNode.get(node.id));
  const groups = useDoc((s) => s.doc.groups);
  const [name, setName] = useState(node.name);
  useEffect(() => setName(node.name), [node.name]);
  const nameOk = NAME_RE.test(name);
  const commit = (next: ReturnType<typeof setParam>, key?: string) => useDoc.getState().commit(next, key ? { coalesce: key } : undefined);
  const rf = report?.rf;

  return (
    <div className="inspector" data-testid="inspector">
      <header className="insp-head" style={{ ['--cat' as string]: categoryColor(block?.category ?? 'Unknown') }}>
        <span className="chip" />
        <div>
          <div className="insp-type">{block?.label ?? node.type}</div>
          <div className="insp-desc">{block?.description ?? 'Unknown block type'}</div>
        </div>
      </header>
      <label className="field">
        <span className="field-label">Name</span>
        <input
          type="text"
          value={name}
          data-testid="node-name"
          aria-invalid={!nameOk}
          className={nameOk ? '' : 'invalid'}
          onChange={(e) => {
            setName(e.target.value);
            if (NAME_RE.test(e.target.value)) commit(renameNode(useDoc.getState().doc, node.id, e.target.value), `${node.id}.name`);
          }}
          onBlur={() => setName(node.name)}
        />
      </label>
      {!nameOk && <p className="field-problem">Use letters, digits, _ and -, with dots between parts: the name prefixes the weights.</p>}
      {block &&
        Object.entries(block.params).map(([k, spec]) => (
          <ParamField
            key={k}
            name={k}
            spec={spec}
            value={params[k] ?? spec.default}
            groups={groups}
            problem={diags?.find((d) => d.param === k)?.message}
            onChange={(v) => commit(setParam(useDoc.getState().doc, node.id, k, v), `${node.id}.${k}`)}
          />
        ))}
      <label className="field check">
        <input
          type="checkbox"
          checked={node.frozen === true}
          data-testid="param-frozen"
          onChange={(e) => commit(updateNode(useDoc.getState().doc, node.id, { frozen: e.target.checked }))}
        />
        <span className="field-label">Frozen (keep weights during training)</span>
      </label>
      {block?.kind === 'composite' && (
        <div className="insp-actions">
          <button type="button" data-testid="toggle-expand" onClick={() => setExpanded(node.id, !node.expanded)}>
            {node.expanded ? 'Collapse' : 'Expand'} (E)
          </button>
          {node.type === 'group' && (
            <button type="button" data-testid="ungroup" onClick={ungroupSelected}>
              Ungroup
            </button>
          )}
        </div>
      )}
      <dl className="metrics">
        <dt>Output</dt>
        <dd data-testid="insp-shape">{report?.outShapes.map((s) => shapeText(s)).join(', ') || '—'}</dd>
        <dt>Parameters</dt>
        <dd title={report ? `${thousands(report.trainableParams)} trainable` : ''}>{report ? thousands(report.params) : '—'}</dd>
        <dt>MACs</dt>
        <dd>{report ? compact(report.macs) : '—'}</dd>
        <dt>Receptive field</dt>
        <dd>{rf ? `${rf.size} px, jump ${rf.jump}` : '—'}</dd>
      </dl>
      {diags && diags.length > 0 && (
        <ul className="diag-list">
          {diags.map((d, i) => (
            <DiagnosticItem key={i} d={d} />
          ))}
        </ul>
      )}
    </div>
  );
}
