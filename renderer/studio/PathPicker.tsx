import { useCallback, useEffect, useState } from 'react';
import type { DirectoryListing } from '../../core/api';
import { EntryIcon } from '../components/EntryIcon';
import { Modal } from '../components/Modal';
import { finishPick, usePicker } from '../state/picker';
import { useStudio } from '../state/studio';
import { homeAbbreviated } from '../format';

const join = (dir: string, name: string) => (dir.endsWith('/') || dir.endsWith('\\') ? `${dir}${name}` : `${dir}/${name}`);

/** Serve mode's folder/file chooser for the studio panels: a path field and the folders beside it. */
export function PathPicker() {
  const req = usePicker((s) => s.request);
  const api = useStudio((s) => s.api);
  const [listing, setListing] = useState<DirectoryListing | null>(null);
  const [path, setPath] = useState('');
  const [error, setError] = useState<string | null>(null);

  const list = useCallback((dir?: string, keepName = true) => {
    if (!api) return;
    setError(null);
    api.listDirectory(dir ? { path: dir } : {}).then((l) => {
      setListing(l);
      setPath((p) => {
        const name = keepName && req?.mode === 'save' && p ? p.split(/[\\/]/).pop()! : '';
        return name ? join(l.path, name) : l.path;
      });
    }, (e: Error) => setError(e.message));
  }, [api, req?.mode]);

  useEffect(() => {
    if (!req) return;
    setPath(req.start ?? '');
    // Start in the folder of the given path (a file's folder for save/open).
    const start = req.start ? (req.mode === 'folder' ? req.start : req.start.replace(/[\\/][^\\/]*$/, '')) : undefined;
    list(start || undefined, false);
    if (req.start) setPath(req.start);
  }, [req, list]);

  if (!req) return null;
  return (
    <Modal title={req.title} onClose={() => finishPick(null)} wide testId="path-picker">
      <form className="file-path" onSubmit={(e) => { e.preventDefault(); if (path.trim()) finishPick(path.trim()); }}>
        <input value={path} onChange={(e) => setPath(e.target.value)} data-testid="picker-path" aria-label="Path" spellCheck={false} />
        <button type="submit" className="primary" data-testid="picker-submit">{req.mode === 'folder' ? 'Use folder' : req.mode === 'save' ? 'Save here' : 'Open'}</button>
      </form>
      {error && <p className="banner error" role="alert">{error}</p>}
      {listing && (
        <div className="browser">
          <div className="browser-where">
            <button type="button" disabled={!listing.parent} onClick={() => listing.parent && list(listing.parent)} title="Parent folder">↑</button>
            <code title={listing.path} data-testid="browser-where">{homeAbbreviated(listing.path, listing.home)}</code>
          </div>
          <ul className="browser-list" data-testid="picker-list">
            {listing.entries.filter((e) => req.mode !== 'folder' || e.kind === 'dir').map((e) => (
              <li key={e.name}>
                <button type="button" className={`entry ${e.kind}`} onClick={() => (e.kind === 'dir' ? list(join(listing.path, e.name)) : setPath(join(listing.path, e.name)))}
                  onDoubleClick={() => e.kind === 'file' && finishPick(join(listing.path, e.name))}>
                  <EntryIcon kind={e.kind} />
                  <span className="entry-name">{e.name}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </Modal>
  );
}
