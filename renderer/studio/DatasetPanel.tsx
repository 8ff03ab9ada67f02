import { useStudio, loadDataset } from '../state/studio';
import { choosePath } from '../state/picker';
import { ClassList } from './ClassList';
import { DataWarnings } from './DataWarnings';
import { InputMatch } from './InputMatch';
import { pluralWord } from '../../core/text/plural';

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
        <p className="muted">A folder with one sub-folder per class (or <code>train/</code> + <code>val/</code> or <code>test/</code> folders of classes).</p>
      </header>
      <form className="path-row" onSubmit={(e) => { e.preventDefault(); void loadDataset(s.datasetPath); }}>
        <input value={s.datasetPath} onChange={(e) => useStudio.setState({ datasetPath: e.target.value })} placeholder="/path/to/images" data-testid="dataset-path" aria-label="Dataset folder" spellCheck={false} />
        <button type="button" onClick={() => void browse()} data-testid="dataset-browse">Browse…</button>
        <button type="submit" className="primary" data-testid="dataset-load" disabled={s.scanning || !s.datasetPath.trim()}>{s.scanning ? 'Loading…' : 'Load'}</button>
      </form>
      {s.scanError && <p className="banner error" role="alert" data-testid="dataset-error">{s.scanError}</p>}
      {s.scan && (
        <>
          <div className="data-summary" data-testid="dataset-summary">
            <span><b>{s.scan.total}</b> {pluralWord(s.scan.total, 'image')}</span>
            <span><b>{s.scan.classes.length}</b> {pluralWord(s.scan.classes.length, 'class')}</span>
            <span>{s.scan.layout === 'split-folders' ? 'split folders (train/ + val/ or test/)' : 'one folder per class'}</span>
            <span>validation: {s.scan.valSource === 'stratified' ? `${Math.round(s.settings.valSplit * 100)}% of each class` : s.scan.valSource === 'test-folder' ? 'the test/ folder' : s.scan.valSource === 'val-folder' ? 'the val/ folder' : 'none'}</span>
            {s.scan.sample && <span>images {s.scan.sample.width}×{s.scan.sample.height} {s.scan.sample.channels === 1 ? 'grayscale' : 'RGB'}</span>}
          </div>
          <InputMatch scan={s.scan} />
          <DataWarnings scan={s.scan} />
          <section className="split-settings">
            <h3>Split</h3>
            <label className="inline-field">
              Validation fraction (class folders only)
              <input type="number" min={0} max={0.9} step={0.05} value={s.settings.valSplit} data-testid="val-split"
                onChange={(e) => s.setSettings({ valSplit: Math.max(0, Math.min(0.9, Number(e.target.value) || 0)) })}
                onBlur={() => void loadDataset(s.datasetPath)} />
            </label>
            <label className="inline-field">
              Seed
              <input type="number" min={0} step={1} value={s.settings.seed} onChange={(e) => s.setSettings({ seed: Math.max(0, Math.floor(Number(e.target.value) || 0)) })} />
            </label>
          </section>
          <ClassList scan={s.scan} />
        </>
      )}
    </div>
  );
}
