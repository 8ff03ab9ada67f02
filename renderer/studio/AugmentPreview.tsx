import { useEffect, useState } from 'react';
import type { AugmentPreviewResult } from '../../core/api';
import { useDoc } from '../state/document';
import { useStudio } from '../state/studio';
import { inputSize } from './model-io';

const IMAGES = 4;
const EPOCHS = 5;

/**
 * A few of the folder's images as the trainer's loader hands them to the model in the first
 * epochs (same crops, flips and jitter, same seed): opened on demand, then redrawn whenever the
 * augmentation, the seed or the model's input size changes.
 */
export function AugmentPreview() {
  const api = useStudio((s) => s.api);
  const root = useStudio((s) => s.scan?.root ?? null);
  const augment = useStudio((s) => s.settings.augment);
  const seed = useStudio((s) => s.settings.seed);
  const doc = useDoc((d) => d.doc);
  const input = inputSize(doc);
  const [open, setOpen] = useState(false);
  const [result, setResult] = useState<AugmentPreviewResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = input ? `${input.channels}x${input.height}x${input.width}` : '';
  useEffect(() => {
    if (!open || !api || !root || !input || (input.channels !== 1 && input.channels !== 3)) return;
    let live = true;
    setError(null);
    api
      .augmentPreview({
        path: root,
        augment,
        seed,
        images: IMAGES,
        epochs: EPOCHS,
        input: { channels: input.channels, height: input.height, width: input.width },
      })
      .then((r) => live && setResult(r))
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
    // `key` stands for the input size (a new object on every document change).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, api, root, augment, seed, key]);
  if (!root || !input) return null;
  return (
    <details className="augment-preview" data-testid="augment-preview" onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>Augmentation preview</summary>
      {error && (
        <p className="banner error" role="alert">
          {error}
        </p>
      )}
      {result && (
        <table className="augment-grid">
          <thead>
            <tr>
              <th scope="col">Image</th>
              {Array.from({ length: EPOCHS }, (_, e) => (
                <th key={e} scope="col">
                  Epoch {e + 1}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {result.images.map((im) => (
              <tr key={im.path} title={im.path}>
                <th scope="row" className="muted small">
                  {im.label}
                </th>
                {im.tiles.map((t, e) => (
                  <td key={e}>
                    <img src={t} alt={`${im.label}, epoch ${e + 1}`} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </details>
  );
}
