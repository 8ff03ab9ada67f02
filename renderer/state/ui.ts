/** View state that is not part of the document: theme, open dialogs, toasts, panels. */
import { create } from 'zustand';

export type Theme = 'light' | 'dark';
export type Dialog = null | 'templates' | 'pretrained' | 'open' | 'saveAs' | 'shortcuts' | 'machine' | 'group' | 'about';
export type RightTab = 'inspector' | 'summary' | 'problems';

export interface Toast {
  id: number;
  kind: 'info' | 'error' | 'ok';
  text: string;
}

const THEME_KEY = 'cnn-studio-theme';

function initialTheme(): Theme {
  const saved = localStorage.getItem(THEME_KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export type FitMode = 'all' | 'readable';

export interface UiState {
  theme: Theme;
  dialog: Dialog;
  rightTab: RightTab;
  toasts: Toast[];
  showMinimap: boolean;
  /** Bumped to ask the canvas to fit the view / run auto-layout (commands come from menus and keys). */
  fitRequest: number;
  /**
   * How the last fit request fits: 'all' (the Fit button, F) shows the whole graph at any zoom;
   * 'readable' (a project opened, Expand all, auto-layout) shows its start at a readable zoom when
   * the whole would be too small to read (renderer/editor/readable-fit.ts).
   */
  fitMode: FitMode;
  layoutRequest: number;
  /** A block to bring into view once drawn (an expanded composite); `n` makes each request new. */
  revealRequest: { id: string; n: number } | null;
  layoutBusy: boolean;
  setTheme(t: Theme): void;
  open(d: Dialog): void;
  close(): void;
  setTab(t: RightTab): void;
  toast(kind: Toast['kind'], text: string): void;
  dismiss(id: number): void;
  requestFit(mode?: FitMode): void;
  requestLayout(): void;
  requestReveal(id: string): void;
  setLayoutBusy(b: boolean): void;
  toggleMinimap(): void;
}

let toastSeq = 0;

export const useUi = create<UiState>((set, get) => ({
  theme: initialTheme(),
  dialog: null,
  rightTab: 'inspector',
  toasts: [],
  showMinimap: true,
  fitRequest: 0,
  fitMode: 'readable',
  layoutRequest: 0,
  revealRequest: null,
  layoutBusy: false,
  setTheme(theme) {
    localStorage.setItem(THEME_KEY, theme);
    set({ theme });
  },
  open(dialog) {
    set({ dialog });
  },
  close() {
    set({ dialog: null });
  },
  setTab(rightTab) {
    set({ rightTab });
  },
  toast(kind, text) {
    const id = ++toastSeq;
    set({ toasts: [...get().toasts.slice(-3), { id, kind, text }] });
    // Errors stay long enough to read a path; the close button is always there.
    setTimeout(() => get().dismiss(id), kind === 'error' ? 9000 : 3500);
  },
  dismiss(id) {
    set({ toasts: get().toasts.filter((t) => t.id !== id) });
  },
  requestFit(mode = 'readable') {
    set({ fitRequest: get().fitRequest + 1, fitMode: mode });
  },
  requestLayout() {
    set({ layoutRequest: get().layoutRequest + 1 });
  },
  requestReveal(id) {
    set({ revealRequest: { id, n: (get().revealRequest?.n ?? 0) + 1 } });
  },
  setLayoutBusy(layoutBusy) {
    set({ layoutBusy });
  },
  toggleMinimap() {
    set({ showMinimap: !get().showMinimap });
  },
}));
