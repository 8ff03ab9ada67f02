import { useState } from 'react';
import { choosePath } from '../state/picker';
import { currentRunView, useStudio } from '../state/studio';
import { useUi } from '../state/ui';
import { RunPicker } from './RunPicker';
import { useDoc } from '../state/document';
import { toProject } from '../state/project';
import { Snippets } from './Snippets';
import { DEFAULT_OPSET, EXPORT_OPSETS } from '../../core/onnx/validate';
import type { DeployReport, Precision } from '../../core/deploy/report';
import { DeployReportTable } from './DeployReportTable';

const PRECISION_LABELS: Record<Precision, string> = { fp32: 'fp32 (default)', int8: 'int8 (quantized, calibrated)', fp16: 'fp16 (GPU targets)' };

/** `dir` + `name` with the separator `dir` already uses (the backend may run on Windows). */
function joinPath(dir: string, name: string): string {
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  return dir.endsWith(sep) ? `${dir}${name}` : `${dir}${sep}${name}`;
}

/** Step 6: ONNX (opset, metadata, best or last checkpoint) and the PyTorch project for torchrun. */
interface OnnxFields {
  opset: number;
  setOpset(v: number): void;
  precision: Precision;
  setPrecision(v: Precision): void;
  modelName: string;
  setModelName(v: string): void;
  author: string;
  setAuthor(v: string): void;
  description: string;
  setDescription(v: string): void;
}

/** The ONNX file's options: opset, precision (fp32, int8, fp16) and the metadata written into it. */
function OnnxOptions({ o, namePlaceholder }: { o: OnnxFields; namePlaceholder: string }) {
  return (
    <div className="form-grid export-grid">
      <label className="field">
        <span className="field-label">Opset</span>
        <select value={o.opset} onChange={(e) => o.setOpset(Number(e.target.value))} data-testid="export-opset">
          {EXPORT_OPSETS.map((o) => (
            <option key={o} value={o}>
              {o}
              {o === DEFAULT_OPSET ? ' (default)' : ''}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="field-label">Precision</span>
        <select value={o.precision} onChange={(e) => o.setPrecision(e.target.value as Precision)} data-testid="export-precision">
          {(Object.keys(PRECISION_LABELS) as Precision[]).map((p) => (
            <option key={p} value={p}>
              {PRECISION_LABELS[p]}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="field-label">Model name</span>
        <input value={o.modelName} placeholder={namePlaceholder} onChange={(e) => o.setModelName(e.target.value)} />
      </label>
      <label className="field">
        <span className="field-label">Author</span>
        <input value={o.author} onChange={(e) => o.setAuthor(e.target.value)} />
      </label>
      <label className="field wide">
        <span className="field-label">Description</span>
        <input value={o.description} onChange={(e) => o.setDescription(e.target.value)} />
      </label>
    </div>
  );
}

/** The PyTorch project (model.py, train.py, ...): from a finished run's recipe and weights, else from the editor's model. */
function PytorchExport({ run, checkpoint }: { run: ReturnType<typeof currentRunView>; checkpoint: 'best' | 'last' }) {
  const api = useStudio((s) => s.api);
  const [pyDir, setPyDir] = useState('');
  const [busy, setBusy] = useState(false);
  const toast = useUi.getState().toast;
  const fromRun = !!run?.hasModel;
  const exportPy = async () => {
    if (!api || !pyDir.trim()) return;
    setBusy(true);
    try {
      // With a finished run: its recipe and weights. Without: the editor's model and the panel's recipe.
      const r = fromRun
        ? await api.exportRunPytorch({ runId: run!.id, checkpoint, dir: pyDir.trim() })
        : await api.exportProjectPytorch({ project: toProject(useDoc.getState().doc), settings: useStudio.getState().settings, dir: pyDir.trim() });
      toast('ok', `Wrote ${r.files.join(', ')} to ${r.dir}`);
    } catch (e) {
      toast('error', e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="export-box">
      <h3>PyTorch project</h3>
      <p className="muted small">
        model.py, train.py (DistributedDataParallel with torchrun), export_onnx.py, README.md and requirements.txt,{' '}
        {fromRun
          ? `with the recipe and ${checkpoint} weights of ${run!.id}`
          : "for the model in the editor with the Train step's recipe (no run yet: PyTorch initialises the weights)"}
        .
      </p>
      <div className="path-row">
        <input
          value={pyDir}
          placeholder="/path/to/folder"
          onChange={(e) => setPyDir(e.target.value)}
          data-testid="export-pytorch-dir"
          aria-label="PyTorch project folder"
          spellCheck={false}
        />
        <button type="button" onClick={() => api && choosePath(api, 'folder', 'Write the PyTorch project into', pyDir || null).then((p) => p && setPyDir(p))}>
          Browse…
        </button>
        <button type="button" className="primary" data-testid="export-pytorch" disabled={busy || !pyDir.trim()} onClick={() => void exportPy()}>
          Export PyTorch
        </button>
      </div>
    </section>
  );
}

export function ExportPanel() {
  const api = useStudio((s) => s.api);
  const run = useStudio(currentRunView);
  const [checkpoint, setCheckpoint] = useState<'best' | 'last'>('best');
  const [opset, setOpset] = useState(DEFAULT_OPSET);
  const [modelName, setModelName] = useState('');
  const [description, setDescription] = useState('');
  const [author, setAuthor] = useState('');
  const [onnxPath, setOnnxPath] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const [precision, setPrecision] = useState<Precision>('fp32');
  const [report, setReport] = useState<DeployReport | null>(null);
  const [busy, setBusy] = useState(false);
  const toast = useUi.getState().toast;
  // By default the ONNX file goes into the run's own folder (never beside the data, which may be the install's sample).
  const target = onnxPath.trim() || (run?.dir ? joinPath(run.dir, `${run.id}.onnx`) : '');

  const exportOnnx = async () => {
    if (!api || !run) return;
    setBusy(true);
    try {
      const r = await api.exportRunOnnx({
        runId: run.id,
        checkpoint,
        opset,
        path: target,
        precision,
        ...(modelName ? { modelName } : {}),
        ...(description ? { description } : {}),
        ...(author ? { author } : {}),
      });
      setDone(r.path);
      setReport(r.report ?? null);
      toast('ok', `Exported ${r.path} (${(r.bytes / 1024).toFixed(0)} KiB)`);
      for (const w of r.warnings) toast('info', w);
    } catch (e) {
      toast('error', e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="studio-panel">
      <header className="panel-head">
        <h2>Export</h2>
        <div className="row-actions">
          <RunPicker needModel />
          <select value={checkpoint} onChange={(e) => setCheckpoint(e.target.value as 'best' | 'last')} data-testid="export-checkpoint" aria-label="Checkpoint">
            <option value="best">best checkpoint{run?.bestEpoch ? ` (epoch ${run.bestEpoch})` : ''}</option>
            <option value="last">last checkpoint{run ? ` (epoch ${run.history.length})` : ''}</option>
          </select>
        </div>
      </header>
      {!run?.hasModel && (
        <p className="muted">ONNX export needs a finished run (Train step); the PyTorch project can be written from the editor's model now.</p>
      )}
      <section className="export-box">
        <h3>ONNX</h3>
        <OnnxOptions
          o={{ opset, setOpset, precision, setPrecision, modelName, setModelName, author, setAuthor, description, setDescription }}
          namePlaceholder={run?.id ?? ''}
        />
        <div className="path-row">
          <input
            value={onnxPath}
            placeholder={target}
            onChange={(e) => setOnnxPath(e.target.value)}
            data-testid="export-path"
            aria-label="ONNX file"
            spellCheck={false}
          />
          <button
            type="button"
            onClick={() =>
              api && choosePath(api, 'save', 'Export ONNX to', target || null, ['onnx'], run ? `${run.id}.onnx` : undefined).then((p) => p && setOnnxPath(p))
            }
          >
            Browse…
          </button>
          <button type="button" className="primary" data-testid="export-onnx" disabled={!run?.hasModel || busy || !target} onClick={() => void exportOnnx()}>
            Export ONNX
          </button>
        </div>
        {done && (
          <p className="banner ok" data-testid="export-done">
            Written: <code>{done}</code>
            {report ? (
              <>
                {' '}
                and <code>{done}.report.json</code>
              </>
            ) : null}
          </p>
        )}
        {busy && (
          <p className="muted small" role="status">
            Exporting and measuring fp32, int8 and fp16 (accuracy on held-out images, latency)…
          </p>
        )}
        {report && <DeployReportTable report={report} />}
        <Snippets file={done ?? target} classes={run?.classes ?? []} />
      </section>
      <PytorchExport run={run} checkpoint={checkpoint} />
    </div>
  );
}
