/**
 * The studio's remembered settings (theme, recent files, dataset folder, per-project training
 * settings) as one JSON file in the studio's home folder. Writes are serialised and atomic, so two
 * pages saving at once cannot interleave and a crash leaves the previous file whole.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { studioSettingsSchema, type StudioSettings } from '../../core/api';
import { atomicWrite } from '../fs/atomic-write';

/** Training settings are kept for this many projects, the most recently saved last. */
export const MAX_PROJECT_SETTINGS = 50;
const MAX_SETTINGS_BYTES = 1024 * 1024;

export class SettingsStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly file: string) {}

  /** The stored settings; a missing, oversized, torn or foreign file reads as none. */
  async load(): Promise<StudioSettings> {
    try {
      const st = await fs.stat(this.file);
      if (!st.isFile() || st.size > MAX_SETTINGS_BYTES) return {};
      const parsed = studioSettingsSchema.safeParse(JSON.parse(await fs.readFile(this.file, 'utf8')));
      return parsed.success ? parsed.data : {};
    } catch {
      return {};
    }
  }

  /** Merges `patch` into the stored settings and writes them; resolves to what was written. */
  save(patch: StudioSettings): Promise<StudioSettings> {
    const next = this.queue.then(async () => {
      const merged = mergeSettings(await this.load(), patch);
      await fs.mkdir(path.dirname(this.file), { recursive: true });
      await atomicWrite(this.file, JSON.stringify(merged, null, 1));
      return merged;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }
}

export function mergeSettings(old: StudioSettings, patch: StudioSettings): StudioSettings {
  const merged: StudioSettings = { ...old, ...patch };
  if (patch.trainSettings) {
    // Re-inserting a key moves it last, so the oldest projects are the ones dropped.
    const entries = Object.entries(old.trainSettings ?? {}).filter(([k]) => !(k in patch.trainSettings!));
    merged.trainSettings = Object.fromEntries([...entries, ...Object.entries(patch.trainSettings)].slice(-MAX_PROJECT_SETTINGS));
  }
  return merged;
}
