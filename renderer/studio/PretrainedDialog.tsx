import { useEffect, useState } from 'react';
import type { PretrainedCatalogRow, PretrainedProgress } from '../../core/api';
import { Modal } from '../components/Modal';
import { guardUnsaved, openPath, useFiles } from '../state/files';
import { choosePath } from '../state/picker';
import { loadDataset, useStudio } from '../state/studio';
import { useUi } from '../state/ui';

const mib = (n: number): string => (n / 1048576).toFixed(1);

/** The download bar: received/total MiB and a Cancel button while it runs. */
function DownloadBar({ p, onCancel }: { p: PretrainedProgress; onCancel(): void }) {
  const fraction = p.total ? Math.min(1, p.received / p.total) : null;
  const text = p.state === 'writing' ? 'Writing the project…' : `Downloading ${mib(p.received)}${p.total ? ` / ${mib(p.total)}` : ''} MiB`;
  return (
    <div className="pretrained-progress" data-testid="pretrained-progress">
      <progress max={1} value={fraction ?? undefined} aria-label="Download progress" />
      <span>{text}</span>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}

function CatalogTable({ rows, picked, onPick }: { rows: PretrainedCatalogRow[]; picked: string | null; onPick(id: string): void }) {
  return (
    <table className="pretrained-table">
      <thead>
        <tr>
          <th>Backbone</th>
          <th>Download</th>
          <th>ImageNet top-1</th>
          <th>Parameters</th>
          <th>CPU latency*</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id} className={r.available ? '' : 'muted'}>
            <td>
              <label>
                <input type="radio" name="backbone" value={r.id} checked={picked === r.id} disabled={!r.available} onChange={() => onPick(r.id)} /> {r.label}
                {!r.available && <span className="small"> (template pending)</span>}
              </label>
            </td>
            <td>{r.cached ? 'cached' : `${r.sizeMiB.toFixed(0)} MiB`}</td>
            <td>{r.top1.toFixed(1)}%</td>
            <td>{(r.params / 1e6).toFixed(1)} M</td>
            <td>{r.cpuLatencyMs === null ? '–' : `${r.cpuLatencyMs} ms`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * "Fine-tune a pretrained model on my images": pick a backbone from the catalog and an image
 * folder; the weights download (with progress and Cancel), the project opens with the folder
 * loaded in the Data step, and Train fine-tunes it (the classifier follows the folder's classes).
 */
export function PretrainedDialog() {
  const close = useUi((s) => s.close);
  const api = useFiles((s) => s.api);
  const [rows, setRows] = useState<PretrainedCatalogRow[] | null>(null);
  const [picked, setPicked] = useState<string | null>(null);
  const [folder, setFolder] = useState<string | null>(null);
  const [progress, setProgress] = useState<PretrainedProgress | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!api) return;
    api.pretrainedCatalog({}).then(
      (r) => {
        setRows(r);
        setPicked((p) => p ?? r.find((x) => x.available)?.id ?? null);
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
    return api.on('pretrained', (p) => setProgress(p.state === 'downloading' || p.state === 'writing' ? p : null));
  }, [api]);

  if (!api) return null;
  const running = progress !== null;
  const pickFolder = () => void choosePath(api, 'folder', 'Image folder (one sub-folder per class)', folder).then((f) => f && setFolder(f));
  const start = () => {
    if (!picked || !folder) return;
    setError(null);
    setProgress({ id: picked, state: 'downloading', received: 0, total: null });
    api.pretrainedPrepare({ id: picked }).then(
      (r) => {
        setProgress(null);
        close();
        guardUnsaved(
          `Open ${r.label}`,
          () =>
            void openPath(r.projectPath).then(async (ok) => {
              if (!ok) return;
              useStudio.getState().setView('data');
              await loadDataset(folder);
            }),
        );
      },
      (e: unknown) => {
        setProgress(null);
        setError(e instanceof Error ? e.message : String(e));
      },
    );
  };
  const note = rows?.[0]?.latencyNote;
  return (
    <Modal title="Fine-tune a pretrained model on my images" onClose={close} wide testId="pretrained-dialog">
      <p>1. Pick a backbone trained on ImageNet. Smaller ones download and train faster; higher top-1 usually transfers better.</p>
      {rows ? <CatalogTable rows={rows} picked={picked} onPick={setPicked} /> : <p className="muted">Loading the catalog…</p>}
      {note && (
        <p className="muted small">
          * {note}. Terms: {rows?.[0]?.terms}
        </p>
      )}
      <p>2. Pick the folder of your images: one sub-folder per class.</p>
      <div className="pretrained-folder">
        <button type="button" onClick={pickFolder} disabled={running}>
          Choose image folder…
        </button>
        <span className={folder ? '' : 'muted'} data-testid="pretrained-folder">
          {folder ?? 'no folder chosen'}
        </span>
      </div>
      {progress && <DownloadBar p={progress} onCancel={() => void api.pretrainedCancel({})} />}
      {error && (
        <p className="pretrained-error" role="alert">
          {error}
        </p>
      )}
      <div className="modal-actions">
        <button type="button" className="primary" disabled={!picked || !folder || running} onClick={start}>
          Download and fine-tune
        </button>
        <button type="button" onClick={close}>
          Close
        </button>
      </div>
    </Modal>
  );
}
