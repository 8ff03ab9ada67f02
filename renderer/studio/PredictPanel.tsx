import { useState } from 'react';
import type { PredictResult } from '../../core/api';
import { choosePath } from '../state/picker';
import { currentRunView, isRunLive, useStudio } from '../state/studio';
import type { RunView } from '../../core/api';
import { useUi } from '../state/ui';
import { readUpload } from './read-file';
import { RunPicker } from './RunPicker';
import { ExplainToggle, type ExplainSource } from './ExplainToggle';

interface Shown extends PredictResult {
  /** the image as the page read it; null when it could not be read */
  url: string | null;
  /** its bytes in base64, for Grad-CAM */
  data: string | null;
}

/** Each image with its top classes (bars), or why it could not be classified; Grad-CAM behind each image. */
function PredictionList({ results, usedSource }: { results: readonly Shown[]; usedSource: ExplainSource | null }) {
  return (
    <ul className="predictions" data-testid="predict-result">
      {results.map((r, i) => (
        <li key={i} className={`prediction${r.error ? ' failed' : ''}`} data-name={r.name}>
          {r.url && r.data && usedSource && !r.error ? (
            <ExplainToggle source={usedSource} image={{ upload: { name: r.name, data: r.data } }} name={r.name} size={144}>
              <img src={r.url} alt={r.name} width={72} height={72} />
            </ExplainToggle>
          ) : (
            <span className="pred-missing" aria-hidden>
              ?
            </span>
          )}
          <div className="pred-body">
            <b className="pred-name">{r.name}</b>
            {r.error && (
              <span className="banner error" role="alert">
                {r.error}
              </span>
            )}
            {r.top.map((t) => (
              <div key={t.label} className="pred-row">
                <span className="pred-label">{t.label}</span>
                <span className="pred-bar">
                  <span style={{ width: `${t.probability * 100}%` }} />
                </span>
                <span className="pred-p">{(t.probability * 100).toFixed(1)}%</span>
              </div>
            ))}
          </div>
        </li>
      ))}
    </ul>
  );
}

/** Why images cannot be classified yet, in words that say what to do. */
function notReadyReason(source: 'run' | 'onnx', run: RunView | null): string {
  if (source === 'onnx') return 'Enter the ONNX file to use.';
  if (run && isRunLive(run)) return `${run.name} is still training: its model is ready when it finishes. Pick a finished run to try one now.`;
  return 'Pick a finished run first.';
}

/** Step 4: drop or pick images, see the top classes, with a run's model or any ONNX file. */
export function PredictPanel() {
  const api = useStudio((s) => s.api);
  const run = useStudio(currentRunView);
  const [source, setSource] = useState<'run' | 'onnx'>('run');
  const [onnx, setOnnx] = useState('');
  const [results, setResults] = useState<Shown[]>([]);
  const [usedSource, setUsedSource] = useState<ExplainSource | null>(null);
  const [busy, setBusy] = useState(false);
  const [over, setOver] = useState(false);
  const ready = source === 'run' ? !!run?.hasModel : onnx.trim() !== '';

  const predict = async (files: FileList | File[]) => {
    if (!api || files.length === 0) return;
    if (!ready) return useUi.getState().toast('error', notReadyReason(source, run));
    setBusy(true);
    try {
      const picked = [...files].slice(0, 32);
      // A file the browser cannot read is reported in its place; the others are still sent.
      const reads = await Promise.allSettled(picked.map(readUpload));
      const ups = reads.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      const from: ExplainSource = source === 'run' ? { runId: run!.id } : { onnxPath: onnx.trim() };
      const res = ups.length > 0 ? await api.predict({ source: from, images: ups.map(({ name, data }) => ({ name, data })), k: 5 }) : [];
      setUsedSource(from);
      let next = 0;
      setResults(
        reads.map((r, i): Shown => {
          if (r.status === 'rejected')
            return { name: picked[i]!.name, top: [], error: r.reason instanceof Error ? r.reason.message : String(r.reason), url: null, data: null };
          const shown = { ...res[next]!, url: r.value.url, data: r.value.data };
          next++;
          return shown;
        }),
      );
    } catch (e) {
      useUi.getState().toast('error', e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="studio-panel">
      <header className="panel-head">
        <h2>Try it</h2>
        <div className="row-actions">
          <label>
            <input type="radio" name="src" checked={source === 'run'} onChange={() => setSource('run')} /> Run
          </label>
          <RunPicker needModel />
          <label>
            <input type="radio" name="src" checked={source === 'onnx'} onChange={() => setSource('onnx')} data-testid="predict-use-onnx" /> ONNX file
          </label>
          <input
            className="grow"
            value={onnx}
            placeholder="/path/to/model.onnx"
            data-testid="predict-onnx-path"
            spellCheck={false}
            onChange={(e) => {
              setOnnx(e.target.value);
              setSource('onnx');
            }}
          />
          <button
            type="button"
            onClick={() =>
              api &&
              choosePath(api, 'open', 'Choose an ONNX model', onnx || null, ['onnx']).then((p) => {
                if (p) {
                  setOnnx(p);
                  setSource('onnx');
                }
              })
            }
          >
            Browse…
          </button>
        </div>
      </header>
      <label
        className={`drop-zone${over ? ' over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          void predict(e.dataTransfer.files);
        }}
      >
        <input
          type="file"
          accept="image/*"
          multiple
          data-testid="predict-input"
          onChange={(e) => {
            if (e.target.files) void predict(e.target.files);
            e.target.value = '';
          }}
        />
        <span>{busy ? 'Classifying…' : 'Drop images here, or click to pick them'}</span>
      </label>
      <PredictionList results={results} usedSource={usedSource} />
    </div>
  );
}
