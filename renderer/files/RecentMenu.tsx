import { useEffect, useRef, useState } from 'react';
import { forgetRecent, guardUnsaved, openPath, useFiles } from '../state/files';
import { baseName } from '../state/project';

/** Recently opened or saved projects (kept in this browser profile). */
export function RecentMenu() {
  const recent = useFiles((s) => s.recent);
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const off = (e: MouseEvent) => !ref.current?.contains(e.target as Node) && setOpen(false);
    window.addEventListener('mousedown', off);
    return () => window.removeEventListener('mousedown', off);
  }, [open]);
  return (
    <div className="menu-wrap" ref={ref}>
      <button type="button" data-testid="recent" onClick={() => setOpen(!open)} aria-expanded={open} disabled={!recent.length} title="Recent projects">
        Recent ▾
      </button>
      {open && (
        <ul className="menu" role="menu" data-testid="recent-menu">
          {recent.map((r) => (
            <li key={r.path} role="none">
              <button
                type="button"
                role="menuitem"
                title={r.path}
                onClick={() => {
                  setOpen(false);
                  guardUnsaved('Open another model', () => void openPath(r.path).then((ok) => ok || forgetRecent(r.path)));
                }}
              >
                <span className="menu-main">{baseName(r.path)}</span>
                <span className="menu-sub">{r.path}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
