import { useState } from 'react';
import { currentRunView, useStudio } from '../state/studio';
import { useUi } from '../state/ui';
import { CellImages } from './CellImages';
import { ConfusionMatrix } from './ConfusionMatrix';
import { PerClassTable } from './PerClassTable';
import { RunPicker } from './RunPicker';
import { plural } from '../../core/text/plural';

/** Step 3: what the model gets wrong, on the held-out images of its dataset. */
export function EvaluatePanel() {
  const api = useStudio((s) => s.api);
  const run = useStudio(currentRunView);
  const ev = useStudio((s) => s.evaluation);
  const [busy, setBusy] = useState(false);
  const [cell, setCell] = useState<{ t: number; p: number } | null>(null);
  const evaluate = () => {
    if (!api || !run) return;
    setBusy(true);
    setCell(null);
    api.evaluateRun({ runId: run.id }).then(
      (e) => useStudio.setState({ evaluation: e }),
      (e: Error) => useUi.getState().toast('error', e.message),
    ).finally(() => setBusy(false));
  };
  const shown = ev && run && ev.runId === run.id ? ev : null;
  return (
    <div className="studio-panel">
      <header className="panel-head">
        <h2>Evaluation</h2>
        <div className="row-actions">
          <RunPicker needModel />
          <button type="button" className="primary" data-testid="evaluate" disabled={!run?.hasModel || busy} onClick={evaluate}>{busy ? 'Evaluating…' : 'Evaluate'}</button>
        </div>
      </header>
      {!run?.hasModel && <p className="muted">Train a run to the end first; its best checkpoint is evaluated.</p>}
      {shown && (
        <>
          <p className="eval-summary" data-testid="eval-summary">
            Accuracy <b>{(shown.accuracy * 100).toFixed(1)}%</b>{shown.top5 !== null && <> · top-5 <b>{(shown.top5 * 100).toFixed(1)}%</b></>}
            {shown.loss !== null && <> · loss {shown.loss.toFixed(4)}</>} · {plural(shown.samples, 'image')} ({shown.split === 'train' ? 'every image: the folder has no val/ or test/ folder, so training images are included' : shown.split === 'val' ? 'held-out validation images' : 'the test/ folder'})
          </p>
          <div className="eval-grid">
            <ConfusionMatrix ev={shown} selected={cell} onSelect={(t, p) => setCell({ t, p })} />
            <PerClassTable ev={shown} />
          </div>
          {cell && <CellImages ev={shown} t={cell.t} p={cell.p} />}
        </>
      )}
    </div>
  );
}
