/**
 * "Find learning rate": the LR range test on the loaded dataset with the form's settings; draws the
 * smoothed curve and puts the suggested rate (steepest descent) into the form. Cancellable.
 */
import { useState } from 'react';
import type { LrFindView } from '../../core/api';
import { useDoc } from '../state/document';
import { toProject } from '../state/project';
import { useStudio } from '../state/studio';
import { useUi } from '../state/ui';
import { LrCurveChart } from './LrCurveChart';

const STOPPED: Record<LrFindView['stopped'], string> = {
  end: 'reached the end of the sweep',
  diverged: 'stopped where the loss diverged',
  cancelled: 'cancelled',
};

export function LrFinder({ disabled, why }: { disabled: boolean; why: string | null }) {
  const api = useStudio((s) => s.api);
  const [busy, setBusy] = useState(false);
  const [view, setView] = useState<LrFindView | null>(null);
  const find = async () => {
    if (!api) return;
    const s = useStudio.getState();
    setBusy(true);
    try {
      const doc = useDoc.getState();
      const r = await api.lrFind({ project: toProject(doc.doc), projectPath: doc.path, dataDir: s.scan?.root ?? s.datasetPath, settings: s.settings });
      setView(r);
      // Two significant digits: the test locates a rate within a factor, not more precisely.
      if (r.suggestion !== null && r.stopped !== 'cancelled') s.setSettings({ lr: Number(r.suggestion.toPrecision(2)) });
    } catch (e) {
      useUi.getState().toast('error', e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const cancel = () => api?.lrFindCancel({}).catch((e: Error) => useUi.getState().toast('error', e.message));
  return (
    <section className="lr-finder" aria-label="Learning rate finder">
      <div className="row-actions">
        {busy ? (
          <button type="button" onClick={() => void cancel()}>
            Cancel search
          </button>
        ) : (
          <button
            type="button"
            disabled={disabled}
            title={why ?? 'Train briefly with a growing learning rate (about 100 steps, nothing saved) and pick the rate where the loss falls fastest'}
            onClick={() => void find()}
          >
            Find learning rate
          </button>
        )}
        {busy && (
          <span className="muted small" role="status">
            Searching…
          </span>
        )}
      </div>
      {view && (
        <>
          <LrCurveChart view={view} />
          <p className="small" data-testid="lr-find-result">
            {view.suggestion === null ? (
              'No suggestion: the loss never fell.'
            ) : (
              <>
                Learning rate set to <b>{Number(view.suggestion.toPrecision(2))}</b> (steepest fall of the smoothed loss).
              </>
            )}{' '}
            <span className="muted">
              {view.curve.length} steps of batch {view.batchSize}; {STOPPED[view.stopped]}.
            </span>
          </p>
        </>
      )}
    </section>
  );
}
