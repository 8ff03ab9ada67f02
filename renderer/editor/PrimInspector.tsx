import type { Primitive } from '../../core/graph/expanded';
import { useDoc } from '../state/document';
import { compact, paramText, shapeText, thousands } from '../format';

/** A primitive inside an expanded composite: read-only (edit the composite's parameters). */
export function PrimInspector({ prim }: { prim: Primitive }) {
  const owner = useDoc((s) => s.doc.nodes.find((n) => n.id === prim.origin));
  return (
    <div className="inspector" data-testid="inspector">
      <header className="insp-head">
        <div>
          <div className="insp-type">{prim.block.label}</div>
          <div className="insp-desc">
            <code>{prim.name}</code> inside{' '}
            <button type="button" className="link" onClick={() => useDoc.getState().select([prim.origin])}>
              {owner?.name ?? prim.origin}
            </button>
            ; edit the composite to change it.
          </div>
        </div>
      </header>
      <dl className="metrics">
        {Object.entries(prim.params).map(([k, v]) => (
          <div key={k} className="metric-row">
            <dt>{prim.block.params[k]?.label ?? k}</dt>
            <dd>{paramText(v)}</dd>
          </div>
        ))}
        <dt>Input</dt>
        <dd>{prim.inShapes.map((s) => shapeText(s)).join(', ') || '—'}</dd>
        <dt>Output</dt>
        <dd>{prim.outShapes.map((s) => shapeText(s)).join(', ')}</dd>
        <dt>Parameters</dt>
        <dd>{thousands(prim.paramCount)}</dd>
        <dt>MACs</dt>
        <dd>{compact(prim.macs)}</dd>
        <dt>Receptive field</dt>
        <dd>
          {prim.rf.size}×{prim.rfW.size} px, jump {prim.rf.jump}
        </dd>
      </dl>
    </div>
  );
}
