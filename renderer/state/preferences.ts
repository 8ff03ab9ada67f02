/**
 * Remembered settings live in the backend (one file in the studio's home), not in the browser's
 * storage: serve mode started again on another port is another origin, whose storage is empty.
 * On connect the stored theme, recent files, dataset folder and the open project's training
 * settings are applied; afterwards every change is written back (debounced). Training settings are
 * kept per project file, so opening a project brings back the recipe it was trained with.
 */
import type { StudioClient, StudioSettings } from '../../core/api';
import { validTrainSettings } from '../../core/train-settings-entry';
import { useDoc } from './document';
import { useFiles, type RecentFile } from './files';
import { loadDataset, useStudio } from './studio';
import { useUi } from './ui';

const SAVE_DELAY_MS = 300;

/** The key training settings are stored under: the project's file, '' while it is unsaved. */
export const projectKey = (path: string | null): string => path ?? '';

export function attachPreferences(api: StudioClient): () => void {
  let known: StudioSettings = {};
  let applying = false;
  let pending: StudioSettings = {};
  let timer: ReturnType<typeof setTimeout> | null = null;

  const flush = () => {
    timer = null;
    const patch = pending;
    pending = {};
    api.saveSettings({ patch }).then(
      (saved) => (known = saved),
      (e: Error) => useUi.getState().toast('error', `Settings were not saved: ${e.message}`),
    );
  };
  const save = (patch: StudioSettings) => {
    if (applying) return;
    pending = { ...pending, ...patch, ...(patch.trainSettings ? { trainSettings: { ...pending.trainSettings, ...patch.trainSettings } } : {}) };
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, SAVE_DELAY_MS);
  };
  const applyProjectSettings = (path: string | null) => {
    const stored = validTrainSettings(known.trainSettings?.[projectKey(path)]);
    if (Object.keys(stored).length > 0) useStudio.getState().setSettings(stored);
  };

  const offs = [
    useUi.subscribe((s, prev) => s.theme !== prev.theme && save({ theme: s.theme })),
    useFiles.subscribe((s, prev) => s.recent !== prev.recent && save({ recent: s.recent.map((r: RecentFile) => ({ path: r.path, at: r.at })) })),
    useStudio.subscribe((s, prev) => {
      if (s.datasetPath !== prev.datasetPath) save({ datasetPath: s.datasetPath });
      if (s.settings !== prev.settings) save({ trainSettings: { [projectKey(useDoc.getState().path)]: s.settings } });
    }),
    useDoc.subscribe((s, prev) => {
      if (s.path === prev.path) return;
      applying = true;
      try {
        applyProjectSettings(s.path);
      } finally {
        applying = false;
      }
    }),
  ];

  void api.loadSettings({}).then(
    (settings) => {
      known = settings;
      applying = true;
      try {
        if (settings.theme) useUi.setState({ theme: settings.theme });
        if (settings.recent) useFiles.setState({ recent: settings.recent });
        applyProjectSettings(useDoc.getState().path);
        const dataset = settings.datasetPath;
        if (dataset && dataset !== useStudio.getState().datasetPath) void loadDataset(dataset, { adjustModel: false });
      } finally {
        applying = false;
      }
    },
    () => undefined,
  );

  return () => {
    for (const off of offs) off();
    if (timer) {
      clearTimeout(timer);
      flush();
    }
  };
}
