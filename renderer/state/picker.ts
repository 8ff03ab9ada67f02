/**
 * Choosing a path for the studio panels: the native dialog where the carrier has one (Electron),
 * else serve mode's own browser (PathPicker), through one promise either way.
 */
import { create } from 'zustand';
import type { StudioClient } from '../../core/api';

export type PickMode = 'folder' | 'open' | 'save';

interface PickerState {
  request: { mode: PickMode; title: string; start: string | null; extensions?: string[]; defaultName?: string; resolve: (p: string | null) => void } | null;
}

export const usePicker = create<PickerState>(() => ({ request: null }));

/** `defaultName`: for 'save', the file name offered when `start` is a folder (or absent). */
export async function choosePath(
  api: StudioClient,
  mode: PickMode,
  title: string,
  start: string | null,
  extensions?: string[],
  defaultName?: string,
): Promise<string | null> {
  const native = await api.chooseFile({
    mode,
    title,
    ...(start ? { defaultPath: start } : {}),
    ...(extensions ? { filters: [{ name: extensions.join(', '), extensions }] } : {}),
  });
  if (native.native) return native.path;
  return new Promise((resolve) =>
    usePicker.setState({ request: { mode, title, start, ...(extensions ? { extensions } : {}), ...(defaultName ? { defaultName } : {}), resolve } }),
  );
}

export function finishPick(path: string | null): void {
  const r = usePicker.getState().request;
  usePicker.setState({ request: null });
  r?.resolve(path);
}
