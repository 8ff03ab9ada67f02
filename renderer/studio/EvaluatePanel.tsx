import { useEffect, useEffectEvent, useState } from 'react';
import type { EvalView, RunView } from '../../core/api';
import { plural } from '../../core/text/plural';
import { currentRunView, isRunLive, useStudio } from '../state/studio';
import { useUi } from '../state/ui';
import { CellImages } from './CellImages';
import { ConfusionMatrix } from './ConfusionMatrix';
import { PerClassTable } from './PerClassTable';
import { RunPicker } from './RunPicker';

/** What the numbers were computed on, in words. */
function splitText(ev: EvalView): string {
  if (ev.split === 'train') return 'every image: the folder has no val/ or test/ folder, so training images are included';
  return ev.split === 'val' ? 'held-out validation images' : 'the test/ folder';
}

/** A finished run with validation results: the kept evaluation shows on opening, no click needed. */
const keptOnOpen = (run: RunView | null): run is RunView => !!run && run.hasModel && !isRunLive(run) && run.bestValAccuracy !== null;

/** Step 3: what the model gets wrong, on the held-out images of its dataset. */
export function EvaluatePanel() {
  const api = useStudio((s) => s.api);
  const run = useStudio(currentRunView);
  const ev = useStudio((s) => s.evaluation);
  const [busy, setBusy] = useState(false);
  const [cell, setCell] = useState<{ t: number; p: number } | null>(null);
  const evaluate = (kept: boolean) => {
    if (!api || !run) return;
    setBusy(true);
    setCell(null);
    api
      .evaluateRun({ runId: run.id, ...(kept ? { kept } : {}) })
      .then(
        (e) => useStudio.setState({ evaluation: e }),
        (e: Error) => useUi.getState().toast('error', e.message),
      )
      .finally(() => setBusy(false));
  };
  const shown = ev && run && ev.runId === run.id ? ev : null;
  const autoLoad = keptOnOpen(run) && !shown;
  // Once per run (and when a live run finishes): an effect event sees the latest `evaluate` without
  // re-running the effect each render (`evaluate` is a fresh closure every time).
  const loadKept = useEffectEvent(() => evaluate(true));
  const runId = run?.id;
  useEffect(() => {
    if (autoLoad && runId !== undefined) loadKept();
  }, [autoLoad, runId]);
  return (
    <div className="studio-panel">
      <header className="panel-head">
        <h2>Evaluation</h2>
        <div className="row-actions">
          <RunPicker needModel />
          <button
            type="button"
            className="primary"
            data-testid="evaluate"
            disabled={!run?.hasModel || busy}
            onClick={() => evaluate(false)}
            title="Score the run's best checkpoint on its test/ folder when it has one, else on its validation images"
          >
            {busy ? 'Evaluating…' : 'Evaluate'}
          </button>
        </div>
      </header>
      {!run?.hasModel && <p className="muted">Train a run to the end first; its best checkpoint is evaluated.</p>}
      {run?.hasModel && !shown && !busy && !keptOnOpen(run) && (
        <p className="muted" data-testid="eval-prompt">
          {isRunLive(run)
            ? 'The run is still training: its validation results show here when it ends.'
            : 'This run kept no validation results: press Evaluate to score its best checkpoint now.'}
        </p>
      )}
      {busy && !shown && (
        <p className="muted" role="status">
          Evaluating…
        </p>
      )}
      {shown && (
        <>
          <p className="eval-summary" data-testid="eval-summary">
            Accuracy <b>{(shown.accuracy * 100).toFixed(1)}%</b>
            {shown.top5 !== null && (
              <>
                {' '}
                · top-5 <b>{(shown.top5 * 100).toFixed(1)}%</b>
              </>
            )}
            {shown.loss !== null && <> · loss {shown.loss.toFixed(4)}</>} · {plural(shown.samples, 'image')} ({splitText(shown)})
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
