import { discardRecovery, restoreRecovery, useFiles } from '../state/files';

/** After a crash (or a tab closed with unsaved work): offer the autosaved copy back. */
export function RecoveryBanner() {
  const r = useFiles((s) => s.recovery);
  if (!r) return null;
  const when = new Date(r.savedAt).toLocaleString();
  const name = typeof (r.project as { name?: unknown } | null)?.name === 'string' ? (r.project as { name: string }).name : null;
  return (
    <div className="recovery" role="alert" data-testid="recovery-banner">
      <span>
        Unsaved work on {name ? `“${name}”` : 'a model'}
        {r.path ? ` (${r.path})` : ''} from {when} was recovered.
      </span>
      <button type="button" className="primary" data-testid="recovery-restore" onClick={() => void restoreRecovery()}>
        Restore
      </button>
      <button type="button" data-testid="recovery-discard" onClick={discardRecovery}>
        Discard
      </button>
    </div>
  );
}
