import { useId } from 'react';
import { useStudio, loadDataset } from '../state/studio';
import { choosePath } from '../state/picker';
import { ClassList } from './ClassList';
import { DataWarnings } from './DataWarnings';
import { InputMatch } from './InputMatch';
import { CacheUsage } from './CacheUsage';
import { DoctorPanel } from './DoctorPanel';
import { pluralWord } from '../../core/text/plural';
import { NumberField } from '../editor/NumberField';
import { between } from '../editor/number-text';

function InlineNumber({
  label,
  value,
  integer = false,
  check,
  testId,
  onCommit,
}: {
  label: string;
  value: number;
  integer?: boolean;
  check(v: number): string | null;
  testId: string;
  onCommit(v: number): void;
}) {
  const id = useId();
  return (
    <span className="inline-field">
      <label htmlFor={id}>{label}</label>
      <NumberField id={id} value={value} integer={integer} label={label} testId={testId} check={check} onCommit={onCommit} />
    </span>
  );
}

/** Step 1: the image folder (one sub-folder per class), what is in it, and how it is split. */
export function DatasetPanel() {
  const s = useStudio();
  const browse = async () => {
    if (!s.api) return;
    const p = await choosePath(s.api, 'folder', 'Choose the image folder', s.datasetPath || null);
    if (p) void loadDataset(p);
  };
  return (
    <div className="studio-panel">
      <header className="panel-head">
        <h2>Dataset</h2>
        <p className="muted">
          A folder with one sub-folder per class (or <code>train/</code> + <code>val/</code> or <code>test/</code> folders of classes).
        </p>
      </header>
      <form
        className="path-row"
        onSubmit={(e) => {
          e.preventDefault();
          void loadDataset(s.datasetPath);
        }}
      >
        <input
          value={s.datasetPath}
          onChange={(e) => useStudio.setState({ datasetPath: e.target.value })}
          placeholder="/path/to/images"
          data-testid="dataset-path"
          aria-label="Dataset folder"
          spellCheck={false}
        />
        <button type="button" onClick={() => void browse()} data-testid="dataset-browse">
          Browse…
        </button>
        <button type="submit" className="primary" data-testid="dataset-load" disabled={s.scanning || !s.datasetPath.trim()}>
          {s.scanning ? 'Loading…' : 'Load'}
        </button>
      </form>
      {s.scanError && (
        <p className="banner error" role="alert" data-testid="dataset-error">
          {s.scanError}
        </p>
      )}
      {s.scan && (
        <>
          <div className="data-summary" data-testid="dataset-summary">
            <span>
              <b>{s.scan.total}</b> {pluralWord(s.scan.total, 'image')}
            </span>
            <span>
              <b>{s.scan.classes.length}</b> {pluralWord(s.scan.classes.length, 'class')}
            </span>
            <span>{s.scan.layout === 'split-folders' ? 'split folders (train/ + val/ or test/)' : 'one folder per class'}</span>
            <span>
              validation:{' '}
              {s.scan.valSource === 'stratified'
                ? `${Math.round(s.settings.valSplit * 100)}% of each class`
                : s.scan.valSource === 'test-folder'
                  ? 'the test/ folder'
                  : s.scan.valSource === 'val-folder'
                    ? 'the val/ folder'
                    : 'none'}
            </span>
            {s.scan.sample && (
              <span>
                images {s.scan.sample.width}×{s.scan.sample.height} {s.scan.sample.channels === 1 ? 'grayscale' : 'RGB'}
              </span>
            )}
          </div>
          {s.api && <CacheUsage api={s.api} root={s.scan.root} scanKey={s.scan} />}
          <InputMatch scan={s.scan} />
          <DataWarnings scan={s.scan} />
          <section className="split-settings">
            <h3>Split</h3>
            <InlineNumber
              label="Validation fraction (class folders only)"
              value={s.settings.valSplit}
              check={between(0, 0.9)}
              testId="val-split"
              onCommit={(v) => {
                s.setSettings({ valSplit: v });
                void loadDataset(s.datasetPath);
              }}
            />
            <InlineNumber
              label="Seed"
              value={s.settings.seed}
              integer
              check={between(0, 2 ** 31)}
              testId="split-seed"
              onCommit={(v) => s.setSettings({ seed: v })}
            />
          </section>
          <ClassList scan={s.scan} />
          <DoctorPanel />
        </>
      )}
    </div>
  );
}
