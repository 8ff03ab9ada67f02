import { useEffect, useState } from 'react';
import { DOCTOR_LOG_PREFIX, type DatasetEditResult, type DoctorReport } from '../../core/data/doctor-report';
import { useDoc } from '../state/document';
import { toProject } from '../state/project';
import { currentRunView, loadDataset, startRun, useStudio } from '../state/studio';
import { useUi } from '../state/ui';
import { DoctorLists, thumbPaths, type DoneMarks, type ImageActions } from './DoctorLists';
import { RunPicker } from './RunPicker';

const toastError = (e: unknown) => useUi.getState().toast('error', e instanceof Error ? e.message : String(e));

/** The words an edit leaves beside its image. */
function doneText(r: DatasetEditResult): [string, string] {
  return r.edit.action === 'move' ? [r.edit.from, `moved to ${r.edit.to.split('/').at(-2) ?? r.edit.to}`] : [r.edit.path, 'excluded'];
}

/**
 * The data doctor in the Data tab: judged with the chosen run, it lists suspected label errors,
 * near-duplicates and outliers of the loaded folder, with Move to class / Exclude per image,
 * Undo (the folder's journal), and Retrain on the edited folder.
 */
export function DoctorPanel() {
  const api = useStudio((s) => s.api);
  const scan = useStudio((s) => s.scan);
  const run = useStudio(currentRunView);
  const [report, setReport] = useState<DoctorReport | null>(null);
  const [thumbs, setThumbs] = useState<Record<string, string>>({});
  const [done, setDone] = useState<DoneMarks>({});
  const [undoable, setUndoable] = useState(0);
  const [busy, setBusy] = useState<string | null>(null);
  const [progress, setProgress] = useState('');
  useEffect(() => api?.on('log', (e) => e.message.startsWith(DOCTOR_LOG_PREFIX) && setProgress(e.message.slice(DOCTOR_LOG_PREFIX.length))), [api]);
  if (!api || !scan) return null;
  const dataDir = scan.root;

  const examine = () => {
    if (!run) return;
    setBusy('Examining the images (training the cross-validation models)…');
    setProgress('');
    api
      .doctorRun({ runId: run.id, dataDir })
      .then(async (r) => {
        setReport(r);
        setDone({});
        setThumbs(await api.imageThumbs({ paths: thumbPaths(r), size: 56 }));
      })
      .catch(toastError)
      .finally(() => setBusy(null));
  };
  const edit = (work: Promise<DatasetEditResult>, undo = false) => {
    setBusy('Changing the folder…');
    work
      .then((r) => {
        const [rel, words] = doneText(r);
        setDone((d) => (undo ? Object.fromEntries(Object.entries(d).filter(([k]) => k !== rel)) : { ...d, [rel]: words }));
        setUndoable(r.undoable);
        if (undo) useUi.getState().toast('info', r.edit.action === 'move' ? `${r.edit.to} moved back to ${r.edit.from}` : `${r.edit.path} is used again`);
        return loadDataset(dataDir, { adjustModel: false });
      })
      .catch(toastError)
      .finally(() => setBusy(null));
  };
  const retrain = () => {
    const doc = useDoc.getState();
    useStudio.getState().setView('train');
    startRun(toProject(doc.doc), doc.path).catch(toastError);
  };
  const actions: ImageActions = {
    thumbs,
    done,
    classes: scan.classes.map((c) => c.name),
    busy: busy !== null,
    move: (rel, toClass) => edit(api.doctorMove({ dataDir, rel, toClass })),
    exclude: (rel) => edit(api.doctorExclude({ dataDir, rel })),
  };
  return (
    <section className="doctor-panel" aria-label="Data doctor">
      <h3>Data doctor</h3>
      <p className="muted">
        Finds images filed under the wrong class (cross-validation with the run's recipe), near-duplicates and train/validation leakage, and outliers. Moves are
        renamed inside this folder and journalled; excluded images are listed in <code>.cnn-studio-exclude</code>. No file is deleted.
      </p>
      <div className="row-actions">
        <RunPicker needModel />
        <button type="button" className="primary" disabled={!run?.hasModel || busy !== null} onClick={examine}>
          Examine images
        </button>
        <button type="button" disabled={undoable === 0 || busy !== null} onClick={() => edit(api.doctorUndo({ dataDir }), true)}>
          Undo
        </button>
        <button type="button" disabled={busy !== null || Object.keys(done).length === 0} onClick={retrain}>
          Retrain
        </button>
      </div>
      {!run?.hasModel && <p className="muted">Train a run on this folder first: the doctor judges the images with it.</p>}
      {busy && (
        <p className="muted" role="status">
          {busy} {progress}
        </p>
      )}
      {report && (
        <>
          <p className="small muted" data-testid="doctor-method">
            {report.images} images; out-of-sample predictions from {report.method.folds}-fold cross-validation ({report.method.epochs} epochs per fold)
            {report.method.heldOut > 0 ? ` and the run's model for ${report.method.heldOut} held-out images` : ''}.
          </p>
          <DoctorLists report={report} a={actions} />
        </>
      )}
    </section>
  );
}
