import type { RunView } from '../../core/api';
import { controlRun, isRunLive } from '../state/studio';
import { useUi } from '../state/ui';

const err = (e: unknown) => useUi.getState().toast('error', e instanceof Error ? e.message : String(e));

/** Train / pause / resume / stop. Stop keeps the last finished epoch's checkpoint. */
export function RunControls({ run, onStart, canStart, why }: { run: RunView | null; onStart(): void; canStart: boolean; why: string | null }) {
  const live = isRunLive(run);
  return (
    <div className="run-controls">
      {!live && (
        <button
          type="button"
          className="primary"
          data-testid="train-start"
          disabled={!canStart}
          title={why ?? 'Start training'}
          aria-describedby={!canStart && why ? 'train-blocked' : undefined}
          onClick={onStart}
        >
          ▶ Train
        </button>
      )}
      {live && run?.status !== 'paused' && (
        <button type="button" data-testid="train-pause" onClick={() => controlRun('pause').catch(err)}>
          ❚❚ Pause
        </button>
      )}
      {live && run?.status === 'paused' && (
        <button type="button" className="primary" data-testid="train-resume" onClick={() => controlRun('resume').catch(err)}>
          ▶ Resume
        </button>
      )}
      {live && (
        <button type="button" className="danger" data-testid="train-stop" onClick={() => controlRun('stop').catch(err)}>
          ■ Stop
        </button>
      )}
      {!canStart && !live && why && (
        <span className="run-blocked small" id="train-blocked" data-testid="train-blocked">
          {why}
        </span>
      )}
    </div>
  );
}
