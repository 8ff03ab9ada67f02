/**
 * Grad-CAM on one shown image: a toggle that swaps the image for its overlay, and a layer picker
 * (the model's conv layers; default the last). Used by Try it and the Evaluate drill-down.
 */
import { useState, type ReactNode } from 'react';
import type { ApiRequest, ExplainView } from '../../core/api';
import { useStudio } from '../state/studio';

export type ExplainSource = ApiRequest<'explainImage'>['source'];
export type ExplainImage = ApiRequest<'explainImage'>['image'];

export function ExplainToggle({
  source,
  image,
  name,
  size,
  children,
}: {
  source: ExplainSource;
  image: ExplainImage;
  name: string;
  size: number;
  children: ReactNode;
}) {
  const api = useStudio((s) => s.api);
  const [on, setOn] = useState(false);
  const [view, setView] = useState<ExplainView | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const load = (layer?: string) => {
    if (!api) return;
    setBusy(true);
    setError(null);
    api
      .explainImage({ source, image, ...(layer ? { layer } : {}) })
      .then(setView, (e: Error) => setError(e.message))
      .finally(() => setBusy(false));
  };
  const toggle = (checked: boolean) => {
    setOn(checked);
    if (checked && !view) load();
  };
  return (
    <div className="explain">
      {on && view ? <img src={view.overlay} alt={`Grad-CAM of ${name} for ${view.label} at ${view.layer}`} width={size} height={size} /> : children}
      <div className="explain-controls small">
        <label>
          <input type="checkbox" checked={on} aria-label={`Grad-CAM overlay for ${name}`} onChange={(e) => toggle(e.target.checked)} /> Grad-CAM
        </label>
        {on && view && (
          <select aria-label={`Grad-CAM layer for ${name}`} value={view.layer} disabled={busy} onChange={(e) => load(e.target.value)}>
            {view.layers.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        )}
        {on && busy && <span className="muted">…</span>}
      </div>
      {on && view && <span className="small muted">for class {view.label}</span>}
      {error && (
        <span className="banner error small" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
