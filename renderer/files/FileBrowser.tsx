import { useCallback, useEffect, useRef, useState } from 'react';
import type { DirectoryListing } from '../../core/api';
import { EntryIcon } from '../components/EntryIcon';
import { ListingWhere } from '../components/ListingWhere';
import { Modal } from '../components/Modal';
import { openPath, saveTo, useFiles } from '../state/files';
import { useProjectMeta } from '../state/project';
import { bytes } from '../format';

const join = (dir: string, name: string) =>
  dir.endsWith('/') || dir.endsWith('\\') ? `${dir}${name}` : `${dir}${dir.includes('\\') && !dir.includes('/') ? '\\' : '/'}${name}`;

/** Serve mode's file dialog: a path field, and the folders of the machine the studio runs on. */
export function FileBrowser({ mode, start }: { mode: 'open' | 'save'; start: string | null }) {
  const api = useFiles((s) => s.api)!;
  const busy = useFiles((s) => s.busy);
  const [listing, setListing] = useState<DirectoryListing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [path, setPath] = useState('');
  const close = () => useFiles.setState({ browse: null });
  // A path typed (or pasted) before the first listing arrives must survive it.
  const typed = useRef(false);

  const list = useCallback(
    (dir?: string) => {
      setError(null);
      api.listDirectory(dir ? { path: dir } : {}).then(
        (l) => {
          setListing(l);
          if (typed.current) return;
          setPath((p) => {
            const name = p ? p.split(/[\\/]/).pop()! : mode === 'save' ? `${useProjectMeta.getState().name.replace(/[^\w.-]+/g, '-') || 'model'}.cnn.json` : '';
            return name ? join(l.path, name) : `${l.path}/`;
          });
        },
        (e: Error) => setError(e.message),
      );
    },
    [api, mode],
  );

  useEffect(() => list(start ?? undefined), [list, start]);

  const submit = () => {
    const p = path.trim();
    if (!p || p.endsWith('/')) return setError('enter a file name');
    void (mode === 'open' ? openPath(p) : saveTo(p));
  };

  return (
    <Modal title={mode === 'open' ? 'Open a model' : 'Save the model as'} onClose={close} wide testId="file-browser">
      <form
        className="file-path"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <input
          value={path}
          onChange={(e) => {
            typed.current = true;
            setPath(e.target.value);
          }}
          data-testid="file-path"
          aria-label="File path"
          spellCheck={false}
        />
        <button type="submit" className="primary" data-testid="file-submit" disabled={busy !== null}>
          {mode === 'open' ? 'Open' : 'Save'}
        </button>
      </form>
      {error && (
        <p className="banner error" role="alert">
          {error}
        </p>
      )}
      {listing && (
        <div className="browser">
          <ListingWhere
            listing={listing}
            upTestId="browse-up"
            up={(parent) => {
              typed.current = false;
              list(parent);
            }}
          />
          <ul className="browser-list" data-testid="browser-list">
            {listing.entries.map((e) => (
              <li key={e.name}>
                <button
                  type="button"
                  className={`entry ${e.kind}${/\.json$/i.test(e.name) ? ' project' : ''}`}
                  onClick={() => {
                    typed.current = false;
                    if (e.kind === 'dir') list(join(listing.path, e.name));
                    else setPath(join(listing.path, e.name));
                  }}
                  onDoubleClick={() => {
                    if (e.kind === 'file' && mode === 'open') void openPath(join(listing.path, e.name));
                  }}
                >
                  <EntryIcon kind={e.kind} />
                  <span className="entry-name">{e.name}</span>
                  {e.kind === 'file' && <span className="entry-size">{bytes(e.size)}</span>}
                </button>
              </li>
            ))}
            {listing.entries.length === 0 && <li className="muted pad">Empty folder</li>}
          </ul>
          {listing.truncated && <p className="muted">Only the first entries are listed; type the path instead.</p>}
        </div>
      )}
    </Modal>
  );
}
