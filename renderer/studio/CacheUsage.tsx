import { useCallback, useEffect, useState } from 'react';
import type { DatasetCacheUsage, StudioClient } from '../../core/api';
import { bytes } from '../format';

/**
 * One line under the dataset summary: the decoded images this folder keeps in the cache, all
 * datasets against the cap (CNN_STUDIO_CACHE_MAX), and a button that clears this folder's share.
 * `scanKey` changes on every (re)load, so the figures follow a training run's decoding too.
 */
export function CacheUsage({ api, root, scanKey }: { api: StudioClient; root: string; scanKey: unknown }) {
  const [usage, setUsage] = useState<DatasetCacheUsage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = useCallback(async (call: () => Promise<DatasetCacheUsage>) => {
    setBusy(true);
    try {
      setUsage(await call());
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }, []);
  useEffect(() => {
    void run(() => api.datasetCache({ path: root }));
  }, [api, root, scanKey, run]);
  if (error)
    return (
      <p className="muted" data-testid="cache-usage">
        Decoded-image cache: {error}
      </p>
    );
  if (!usage) return null;
  const mine =
    usage.datasetBytes > 0
      ? `${bytes(usage.datasetBytes)} for this folder (${usage.inputs.join('; ')})`
      : 'nothing for this folder yet (images are decoded on the first training run)';
  return (
    <p className="muted cache-usage" data-testid="cache-usage" title={usage.dir}>
      Decoded-image cache: {mine} · {bytes(usage.totalBytes)} of {bytes(usage.capBytes)} for all datasets{' '}
      {usage.datasetBytes > 0 && (
        <button type="button" className="link" disabled={busy} onClick={() => void run(() => api.clearDatasetCache({ path: root }))}>
          Clear this folder's cache
        </button>
      )}
    </p>
  );
}
