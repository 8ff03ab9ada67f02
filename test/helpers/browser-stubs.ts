/**
 * The two browser globals the renderer's stores read when their modules load (the theme and the
 * recent files come from localStorage; the theme falls back to matchMedia). Import this module
 * before any renderer/state module so the stores can be tested in vitest's node environment.
 */
const stored = new Map<string, string>();

const memoryStorage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'clear'> = {
  getItem: (k) => stored.get(k) ?? null,
  setItem: (k, v) => void stored.set(k, String(v)),
  removeItem: (k) => void stored.delete(k),
  clear: () => stored.clear(),
};

const g = globalThis as Record<string, unknown>;
g.localStorage ??= memoryStorage;
g.window ??= globalThis;
