import { useCallback, useEffect, useState } from 'react';
import type { DirectoryListing } from '../../core/api';
import { EntryIcon } from '../components/EntryIcon';
import { ListingWhere } from '../components/ListingWhere';
import { Modal } from '../components/Modal';
import { finishPick, usePicker } from '../state/picker';
import { useStudio } from '../state/studio';

const join = (dir: string, name: string) => (dir.endsWith('/') || dir.endsWith('\\') ? `${dir}${name}` : `${dir}/${name}`);
const folderOf = (p: string) => p.replace(/[\\/][^\\/]*$/, '') || '/';
const nameOf = (p: string) => p.split(/[\\/]/).pop() ?? '';

/** The name typed, with the first expected extension added when it has none ("model" -> "model.onnx"). */
function withExtension(name: string, extensions: string[] | undefined): string {
  const ext = extensions?.[0];
  return ext && !/\.[^.\\/]+$/.test(name) ? `${name}.${ext}` : name;
}

/** The listed folder: its parent button, where it is, and its entries (folders open, files are picked; double-click picks and closes). */
function PickerListing({
  listing,
  foldersOnly,
  open,
  pick,
}: {
  listing: DirectoryListing;
  foldersOnly: boolean;
  open(dir: string): void;
  pick(name: string, full: string): void;
}) {
  return (
    <div className="browser">
      <ListingWhere listing={listing} up={open} />
      <ul className="browser-list" data-testid="picker-list">
        {listing.entries
          .filter((e) => !foldersOnly || e.kind === 'dir')
          .map((e) => (
            <li key={e.name}>
              <button
                type="button"
                className={`entry ${e.kind}`}
                onClick={() => (e.kind === 'dir' ? open(join(listing.path, e.name)) : pick(e.name, join(listing.path, e.name)))}
                onDoubleClick={() => e.kind === 'file' && finishPick(join(listing.path, e.name))}
              >
                <EntryIcon kind={e.kind} />
                <span className="entry-name">{e.name}</span>
              </button>
            </li>
          ))}
      </ul>
    </div>
  );
}

/**
 * Serve mode's folder/file chooser for the studio panels: a path field and the folders beside it.
 * To save, the path field holds the folder and a second field the file name, which must be
 * given: a folder alone is never handed back as the file to write.
 */
export function PathPicker() {
  const req = usePicker((s) => s.request);
  const api = useStudio((s) => s.api);
  const [listing, setListing] = useState<DirectoryListing | null>(null);
  const [path, setPath] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const saving = req?.mode === 'save';

  const list = useCallback(
    (dir?: string, keepName = true) => {
      if (!api) return;
      setError(null);
      api.listDirectory(dir ? { path: dir } : {}).then(
        (l) => {
          setListing(l);
          if (req?.mode === 'save') return setPath(l.path);
          setPath((p) => {
            const keep = keepName && p ? nameOf(p) : '';
            return keep && req?.mode !== 'folder' ? join(l.path, keep) : l.path;
          });
        },
        (e: Error) => setError(e.message),
      );
    },
    [api, req?.mode],
  );

  useEffect(() => {
    if (!req) return;
    if (req.mode === 'save') {
      // The start may be a folder (a folder target typed in the panel): open it, offer the default name.
      setName(req.defaultName ?? '');
      if (!req.start) return list(undefined, false);
      api?.listDirectory({ path: req.start }).then(
        () => list(req.start!, false),
        () => {
          setName(nameOf(req.start!));
          list(folderOf(req.start!), false);
        },
      );
      return;
    }
    setName('');
    setPath(req.start ?? '');
    // Start in the folder of the given path (a file's folder to open).
    const start = req.start ? (req.mode === 'folder' ? req.start : folderOf(req.start)) : undefined;
    list(start || undefined, false);
    if (req.start) setPath(req.start);
  }, [req, list, api]);

  if (!req) return null;
  const submit = () => {
    if (!saving) return path.trim() && finishPick(path.trim());
    // Enter in the folder field of a folder not yet shown goes there first.
    if (listing && path.trim() && path.trim() !== listing.path) return list(path.trim());
    const file = name.trim();
    if (!file) return setError('Type a file name to save as.');
    finishPick(join(listing?.path ?? path.trim(), withExtension(file, req.extensions)));
  };
  return (
    <Modal title={req.title} onClose={() => finishPick(null)} wide testId="path-picker">
      <form
        className={`file-path${saving ? ' save' : ''}`}
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        {saving ? (
          <>
            <label className="picker-field folder">
              <span>Folder</span>
              <input value={path} onChange={(e) => setPath(e.target.value)} data-testid="picker-path" aria-label="Folder" spellCheck={false} />
            </label>
            <label className="picker-field">
              <span>File name</span>
              <input
                value={name}
                onChange={(e) => {
                  setName(e.target.value);
                  setError(null);
                }}
                data-testid="picker-name"
                aria-label="File name"
                placeholder={req.extensions?.[0] ? `name.${req.extensions[0]}` : 'name'}
                spellCheck={false}
                autoFocus
              />
            </label>
          </>
        ) : (
          <input value={path} onChange={(e) => setPath(e.target.value)} data-testid="picker-path" aria-label="Path" spellCheck={false} />
        )}
        <button type="submit" className="primary" data-testid="picker-submit">
          {req.mode === 'folder' ? 'Use folder' : saving ? 'Save here' : 'Open'}
        </button>
      </form>
      {error && (
        <p className="banner error" role="alert">
          {error}
        </p>
      )}
      {listing && (
        <PickerListing
          listing={listing}
          foldersOnly={req.mode === 'folder'}
          open={(dir) => list(dir)}
          pick={(name, full) => (saving ? setName(name) : setPath(full))}
        />
      )}
    </Modal>
  );
}
