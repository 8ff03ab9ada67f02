import { useState } from 'react';
import { useAnalysis } from '../state/analysis';
import { deleteSelection, duplicate, groupSelected } from '../state/commands';
import { compact, thousands } from '../format';
import { plural } from '../../core/text/plural';

/** Several blocks selected: their totals, and what can be done with them together. */
export function SelectionInspector({ ids }: { ids: readonly string[] }) {
  const nodes = useAnalysis((s) => s.analysis.nodes);
  const [name, setName] = useState('Block');
  const top = ids.filter((id) => !id.includes('/'));
  let params = 0;
  let macs = 0;
  for (const id of top) {
    params += nodes.get(id)?.params ?? 0;
    macs += nodes.get(id)?.macs ?? 0;
  }
  return (
    <div className="inspector" data-testid="inspector">
      <header className="insp-head">
        <div>
          <div className="insp-type">{plural(top.length, 'block')} selected</div>
          <div className="insp-desc">
            {thousands(params)} parameters · {compact(macs)} MACs
          </div>
        </div>
      </header>
      <label className="field">
        <span className="field-label">Group name</span>
        <input type="text" value={name} onChange={(e) => setName(e.target.value)} data-testid="group-name" />
      </label>
      <div className="insp-actions">
        <button type="button" className="primary" data-testid="group-selection" disabled={!name.trim()} onClick={() => groupSelected(name.trim())}>
          Group into a block (Ctrl+G)
        </button>
        <button type="button" onClick={duplicate}>
          Duplicate
        </button>
        <button type="button" onClick={deleteSelection}>
          Delete
        </button>
      </div>
    </div>
  );
}
