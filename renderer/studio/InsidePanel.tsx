import { useEffect, useState } from 'react';
import type { ActivationMaps, LayerInfo } from '../../core/api';
import { plural } from '../../core/text/plural';
import { currentRunView, useStudio } from '../state/studio';
import { useUi } from '../state/ui';
import { MapViewer } from './MapViewer';
import { readUpload } from './read-file';
import { RunPicker } from './RunPicker';

interface Picked {
  name: string;
  data: string;
  url: string;
}

/**
 * Step 5: the feature maps of one conv layer for one image (early layers: edges; later: parts).
 * It opens on the last conv layer (the most telling maps) and an image of the run's own data.
 */
export function InsidePanel() {
  const api = useStudio((s) => s.api);
  const run = useStudio(currentRunView);
  const [layers, setLayers] = useState<LayerInfo[]>([]);
  const [layer, setLayer] = useState('');
  const [image, setImage] = useState<Picked | null>(null);
  const [maps, setMaps] = useState<ActivationMaps | null>(null);
  const [enlarged, setEnlarged] = useState<number | null>(null);
  const fail = (e: unknown) => useUi.getState().toast('error', e instanceof Error ? e.message : String(e));

  useEffect(() => {
    setLayers([]);
    setMaps(null);
    setImage(null);
    if (!api || !run?.hasModel) return;
    api.modelLayers({ runId: run.id }).then(({ layers: l, sample }) => {
      setLayers(l);
      setLayer(l[l.length - 1]?.name ?? '');
      if (sample) setImage({ name: sample.name, data: sample.data, url: `data:${sample.mime};base64,${sample.data}` });
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
            {layers.map((l) => (
              <option key={l.name} value={l.name}>
                {l.name} ({l.shape.join('×')})
              </option>
            ))}
          </select>
          <label className="button-like">
            {image ? 'Another image…' : 'Pick an image…'}
            <input
              type="file"
              accept="image/*"
              hidden
              data-testid="inside-image"
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) readUpload(f).then(setImage, fail);
                e.target.value = '';
              }}
            />
          </label>
        </div>
      </header>
      {!run?.hasModel && <p className="muted">Train a run to the end first.</p>}
      {run?.hasModel && layers.length === 0 && <p className="muted">This model has no conv layers.</p>}
      {image && (
        <div className="inside">
          <figure className="inside-source">
            <img src={image.url} alt={image.name} width={112} height={112} />
            <figcaption className="small">{image.name}</figcaption>
          </figure>
          {maps && (
            <div>
              <p className="muted small">
                {maps.layer}: {plural(maps.shape[0] ?? 0, 'map')} of {maps.shape[1]}×{maps.shape[2]}
                {maps.maps.length < (maps.shape[0] ?? 0) ? ` (first ${maps.maps.length})` : ''}; bright = strong response; click a map to enlarge it
              </p>
              <ul className="maps-grid" data-testid="activation-maps">
                {maps.maps.map((m, i) => (
                  <li key={i}>
                    <button type="button" className="map-thumb" onClick={() => setEnlarged(i)} aria-label={`Enlarge map ${i}`}>
                      <img src={m} alt={`map ${i}`} width={64} height={64} />
                    </button>
                    <span className="small muted">{i}</span>
                  </li>
                ))}
              </ul>
            </div>
          )}
        </div>
      )}
      {maps && enlarged !== null && <MapViewer maps={maps.maps} index={enlarged} layer={maps.layer} onIndex={setEnlarged} onClose={() => setEnlarged(null)} />}
    </div>
  );
}
