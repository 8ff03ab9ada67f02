import type { RunView } from '../../core/api';
import { plural } from '../../core/text/plural';

function duration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m ${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}

const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);

/** One line a person reads at a glance: state, epoch/step, speed, ETA, best accuracy. */
export function RunStatus({ run }: { run: RunView | null }) {
  if (!run)
    return (
      <p className="run-status muted" data-testid="train-status">
        No run yet: set the options and press Train.
      </p>
    );
  const p = run.progress;
  const last = run.history[run.history.length - 1];
  const speed = p?.imagesPerSecond ?? last?.imagesPerSecond;
  const text =
    run.status === 'done'
      ? `done: ${run.history.length} epoch${run.history.length === 1 ? '' : 's'}, best validation accuracy ${pct(run.bestValAccuracy)}${run.bestEpoch ? ` (epoch ${run.bestEpoch})` : ''}`
      : run.status === 'failed'
        ? `failed: ${run.error ?? 'unknown error'}`
        : run.status === 'cancelled'
          ? `stopped after ${run.history.length} epoch${run.history.length === 1 ? '' : 's'}`
          : run.status === 'starting'
            ? `starting: ${[...run.log].reverse().find((l) => l.startsWith('decoding images')) ?? 'reading and decoding the images…'}`
            : `${run.status === 'paused' ? 'paused' : 'training'}: epoch ${p?.epoch ?? run.history.length + 1}/${run.epochs}${p ? `, step ${p.step}/${p.stepsPerEpoch}, loss ${p.loss.toFixed(4)}` : ''}`;
  return (
    <div className={`run-status ${run.status}`}>
      <span data-testid="train-status" role="status">
        {text}
      </span>
      <span className="run-meta">
        {run.device && <span>on {run.device}</span>}
        {speed !== undefined && <span data-testid="train-speed">{speed.toFixed(0)} images/s</span>}
        {p && run.status === 'running' && <span data-testid="train-eta">ETA {duration(p.etaSeconds)}</span>}
        {run.trainSamples > 0 && (
          <span>
            {run.trainSamples} train / {plural(run.valSamples, 'val image')}
          </span>
        )}
      </span>
    </div>
  );
}
