import { useEffect, useState } from 'react';
import type { ActivationMaps, LayerInfo } from '../../core/api';
import { currentRunView, useStudio } from '../state/studio';
import { useUi } from '../state/ui';
import { readUpload } from './read-file';
import { RunPicker } from './RunPicker';
import { plural } from '../../core/text/plural';

/** Step 5: the feature maps of one conv layer for one image (early layers: edges; later: parts). */
export function InsidePanel() {
  const api = useStudio((s) => s.api);
  const run = useStudio(currentRunView);
  const [layers, setLayers] = useState<LayerInfo[]>([]);
  const [layer, setLayer] = useState('');
  const [image, setImage] = useState<{ name: string; data: string; url: string } | null>(null);
  const [maps, setMaps] = useState<ActivationMaps | null>(null);
  const fail = (e: unknown) => useUi.getState().toast('error', e instanceof Error ? e.message : String(e));

  useEffect(() => {
    setLayers([]);
    setMaps(null);
    if (!api || !run?.hasModel) return;
    api.modelLayers({ runId: run.id }).then((l) => {
      setLayers(l);
      setLayer(l[0]?.name ?? '');
    }, fail);
  }, [api, run?.id, run?.hasModel]);

  useEffect(() => {
    if (!api || !run || !layer || !image) return;
    api.activations({ runId: run.id, layer, image: { name: image.name, data: image.data }, maxMaps: 32 }).then(setMaps, fail);
  }, [api, run, layer, image]);

  return (
    <div className="studio-panel">
      <header className="panel-head">
        <h2>Inside the model</h2>
        <div className="row-actions">
          <RunPicker needModel />
          <select value={layer} onChange={(e) => setLayer(e.target.value)} data-testid="inside-layer" aria-label="Conv layer" disabled={layers.length === 0}>
            {layers.map((l) => <option key={l.name} value={l.name}>{l.name} ({l.shape.join('×')})</option>)}
          </select>
          <label className="button-like">
            Pick an image…
            <input type="file" accept="image/*" hidden data-testid="inside-image" onChange={(e) => { const f = e.target.files?.[0]; if (f) readUpload(f).then(setImage, fail); e.target.value = ''; }} />
          </label>
        </div>
      </header>
      {!run?.hasModel && <p className="muted">Train a run to the end first.</p>}
      {run?.hasModel && layers.length === 0 && <p className="muted">This model has no conv layers.</p>}
      {image && (
        <div className="inside">
          <figure className="inside-source"><img src={image.url} alt={image.name} width={112} height={112} /><figcaption className="small">{image.name}</figcaption></figure>
          {maps && (
            <div>
              <p className="muted small">{maps.layer}: {plural(maps.shape[0] ?? 0, 'map')} of {maps.shape[1]}×{maps.shape[2]}{maps.maps.length < (maps.shape[0] ?? 0) ? ` (first ${maps.maps.length})` : ''}; bright = strong response</p>
              <ul className="maps-grid" data-testid="activation-maps">
                {maps.maps.map((m, i) => <li key={i}><img src={m} alt={`map ${i}`} width={64} height={64} /><span className="small muted">{i}</span></li>)}
              </ul>
            </div>
          )}
        </div>
      )}
    </div>
  );
}
