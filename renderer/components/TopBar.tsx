import { useDoc, isDirty } from '../state/document';
import { useUi } from '../state/ui';
import { openDialog, save, saveAs } from '../state/files';
import { useProjectMeta } from '../state/project';
import { setAllExpanded } from '../state/commands';
import { RecentMenu } from '../files/RecentMenu';

/** File and edit commands, the project's name, and the view toggles. */
export function TopBar() {
  const canUndo = useDoc((s) => s.past.length > 0);
  const canRedo = useDoc((s) => s.future.length > 0);
  const dirty = useDoc(isDirty);
  const path = useDoc((s) => s.path);
  const name = useProjectMeta((s) => s.name);
  const ui = useUi();
  return (
    <header className="topbar">
      <span className="brand">
        <span className="logo" aria-hidden>
          ◆
        </span>{' '}
        CNN Studio
      </span>
      <nav className="toolbar" aria-label="File">
        <button type="button" data-testid="new" onClick={() => ui.open('templates')} title="New model from a template or an empty canvas (Ctrl+N)">
          New
        </button>
        <button type="button" data-testid="open" onClick={openDialog} title="Open a project (Ctrl+O)">
          Open
        </button>
        <RecentMenu />
        <button type="button" data-testid="save" onClick={save} title="Save (Ctrl+S)">
          Save
        </button>
        <button type="button" data-testid="save-as" onClick={saveAs} title="Save as (Ctrl+Shift+S)">
          Save as
        </button>
      </nav>
      <nav className="toolbar" aria-label="Edit">
        <button
          type="button"
          className="icon-btn"
          data-testid="undo"
          disabled={!canUndo}
          onClick={() => useDoc.getState().undo()}
          title="Undo (Ctrl+Z)"
          aria-label="Undo"
        >
          ↶
        </button>
        <button
          type="button"
          className="icon-btn"
          data-testid="redo"
          disabled={!canRedo}
          onClick={() => useDoc.getState().redo()}
          title="Redo (Ctrl+Shift+Z)"
          aria-label="Redo"
        >
          ↷
        </button>
        <button type="button" data-testid="auto-layout" onClick={ui.requestLayout} disabled={ui.layoutBusy} title="Auto-layout, top to bottom (L)">
          Layout
        </button>
        <button type="button" data-testid="fit-view" onClick={() => ui.requestFit('all')} title="Fit the whole model in view (F)">
          Fit
        </button>
        <button type="button" data-testid="expand-all" onClick={() => setAllExpanded(true)} title="Expand every composite block">
          Expand all
        </button>
        <button type="button" data-testid="collapse-all" onClick={() => setAllExpanded(false)} title="Collapse every composite block">
          Collapse all
        </button>
      </nav>
      <div className="doc-title" title={path ?? 'Not saved yet'}>
        <span data-testid="project-name">{name}</span>
        {dirty && (
          <span className="dirty" data-testid="dirty" title="Unsaved changes">
            ●
          </span>
        )}
        {path && (
          <span className="project-path" data-testid="project-path">
            {path}
          </span>
        )}
      </div>
      <nav className="toolbar right" aria-label="View">
        <button type="button" data-testid="machine" onClick={() => ui.open('machine')} title="Execution providers on this machine">
          Machine
        </button>
        <button
          type="button"
          className="icon-btn"
          data-testid="theme-toggle"
          onClick={() => ui.setTheme(ui.theme === 'dark' ? 'light' : 'dark')}
          title="Dark / light theme (T)"
          aria-label="Toggle theme"
        >
          {ui.theme === 'dark' ? '☀' : '☾'}
        </button>
        <button
          type="button"
          className="icon-btn"
          data-testid="shortcuts-button"
          onClick={() => ui.open('shortcuts')}
          title="Keyboard shortcuts (?)"
          aria-label="Keyboard shortcuts"
        >
          ?
        </button>
      </nav>
    </header>
  );
}
