import type { Diagnostic } from '../../core/graph/types';
import { applyFixWithRoom } from '../state/commands';

/** A problem with its one-click fixes; applying one is a single undo step. */
export function DiagnosticItem({ d, onSelect }: { d: Diagnostic; onSelect?: () => void }) {
  return (
    <li className={`diagnostic ${d.severity}`} data-testid="diagnostic" data-code={d.code}>
      <div className="diag-msg" onClick={onSelect} role={onSelect ? 'button' : undefined}>
        <span className="diag-icon" aria-hidden>
          {d.severity === 'error' ? '●' : '▲'}
        </span>
        <span>{d.message}</span>
      </div>
      {d.fixes.length > 0 && (
        <div className="diag-fixes">
          {d.fixes.map((f, i) => (
            <button key={i} type="button" className="fix" data-testid="fix-button" onClick={() => applyFixWithRoom(f)}>
              {f.label}
            </button>
          ))}
        </div>
      )}
    </li>
  );
}
