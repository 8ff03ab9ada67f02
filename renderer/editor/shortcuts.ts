/**
 * Every keyboard shortcut, declared once: the key handler and the help overlay (?) both read
 * this table, so the overlay can never list a shortcut that does not work.
 */
import * as cmd from '../state/commands';
import { openDialog, save, saveAs } from '../state/files';
import { useUi } from '../state/ui';

export interface Shortcut {
  keys: string;
  what: string;
  group: 'File' | 'Edit' | 'View' | 'Blocks';
  /** `mod` is Ctrl, or Cmd on macOS. */
  match(e: KeyboardEvent, mod: boolean): boolean;
  run(): void;
  /** Works while typing in a field (Ctrl+S does; Delete does not). */
  inFields?: boolean;
}

const k = (e: KeyboardEvent) => e.key.toLowerCase();

export const SHORTCUTS: Shortcut[] = [
  {
    keys: 'Ctrl+N',
    what: 'New model (templates)',
    group: 'File',
    match: (e, m) => m && !e.shiftKey && k(e) === 'n',
    run: () => useUi.getState().open('templates'),
    inFields: true,
  },
  { keys: 'Ctrl+O', what: 'Open…', group: 'File', match: (e, m) => m && k(e) === 'o', run: openDialog, inFields: true },
  { keys: 'Ctrl+S', what: 'Save', group: 'File', match: (e, m) => m && !e.shiftKey && k(e) === 's', run: save, inFields: true },
  { keys: 'Ctrl+Shift+S', what: 'Save as…', group: 'File', match: (e, m) => m && e.shiftKey && k(e) === 's', run: saveAs, inFields: true },
  { keys: 'Ctrl+Z', what: 'Undo', group: 'Edit', match: (e, m) => m && !e.shiftKey && k(e) === 'z', run: cmd.undo },
  { keys: 'Ctrl+Shift+Z / Ctrl+Y', what: 'Redo', group: 'Edit', match: (e, m) => m && ((e.shiftKey && k(e) === 'z') || k(e) === 'y'), run: cmd.redo },
  { keys: 'Ctrl+C', what: 'Copy', group: 'Edit', match: (e, m) => m && k(e) === 'c', run: () => void cmd.copySelection() },
  { keys: 'Ctrl+X', what: 'Cut', group: 'Edit', match: (e, m) => m && k(e) === 'x', run: cmd.cutSelection },
  { keys: 'Ctrl+V', what: 'Paste', group: 'Edit', match: (e, m) => m && k(e) === 'v', run: cmd.paste },
  { keys: 'Ctrl+D', what: 'Duplicate', group: 'Edit', match: (e, m) => m && k(e) === 'd', run: cmd.duplicate },
  {
    keys: 'Delete / Backspace',
    what: 'Delete the selection',
    group: 'Edit',
    match: (e, m) => !m && (e.key === 'Delete' || e.key === 'Backspace'),
    run: cmd.deleteSelection,
  },
  { keys: 'Ctrl+A', what: 'Select all', group: 'Edit', match: (e, m) => m && k(e) === 'a', run: cmd.selectAll },
  {
    keys: 'Ctrl+G',
    what: 'Group the selection into a block',
    group: 'Blocks',
    match: (e, m) => m && !e.shiftKey && k(e) === 'g',
    run: () => cmd.groupSelected('Block'),
  },
  { keys: 'Ctrl+Shift+G', what: 'Ungroup', group: 'Blocks', match: (e, m) => m && e.shiftKey && k(e) === 'g', run: cmd.ungroupSelected },
  { keys: 'E', what: 'Expand / collapse the selected composite', group: 'Blocks', match: (e, m) => !m && k(e) === 'e', run: cmd.toggleExpandSelection },
  {
    keys: '/',
    what: 'Search the palette',
    group: 'Blocks',
    match: (e, m) => !m && e.key === '/',
    run: () => document.getElementById('palette-search')?.focus(),
  },
  { keys: 'L', what: 'Auto-layout (top to bottom)', group: 'View', match: (e, m) => !m && k(e) === 'l', run: () => useUi.getState().requestLayout() },
  { keys: 'F', what: 'Fit the whole model in view', group: 'View', match: (e, m) => !m && k(e) === 'f', run: () => useUi.getState().requestFit('all') },
  { keys: 'M', what: 'Show / hide the minimap', group: 'View', match: (e, m) => !m && k(e) === 'm', run: () => useUi.getState().toggleMinimap() },
  {
    keys: 'T',
    what: 'Dark / light theme',
    group: 'View',
    match: (e, m) => !m && k(e) === 't',
    run: () => {
      const u = useUi.getState();
      u.setTheme(u.theme === 'dark' ? 'light' : 'dark');
    },
  },
  { keys: '?', what: 'This help', group: 'View', match: (e) => e.key === '?', run: () => useUi.getState().open('shortcuts') },
  { keys: 'Space + drag, middle drag', what: 'Pan', group: 'View', match: () => false, run: () => undefined },
  { keys: 'Wheel', what: 'Zoom', group: 'View', match: () => false, run: () => undefined },
  { keys: 'Drag on empty canvas', what: 'Box-select', group: 'Edit', match: () => false, run: () => undefined },
  { keys: 'Shift+click', what: 'Add to the selection', group: 'Edit', match: () => false, run: () => undefined },
  { keys: 'Double-click', what: 'Expand / collapse a composite', group: 'Blocks', match: () => false, run: () => undefined },
  {
    keys: 'Esc',
    what: 'Clear the selection, close dialogs',
    group: 'Edit',
    match: (e) => e.key === 'Escape',
    run: () => (useUi.getState().dialog ? useUi.getState().close() : cmd.clearSelection()),
    inFields: false,
  },
];

const isField = (t: EventTarget | null) => t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));

export function handleShortcut(e: KeyboardEvent): void {
  if (e.defaultPrevented || e.altKey) return;
  // A dialog is open: leave keys to it (Escape closes it there).
  if (useUi.getState().dialog && e.key !== 'Escape') {
    if (!(e.ctrlKey || e.metaKey)) return;
  }
  const mod = navigator.platform.toLowerCase().includes('mac') ? e.metaKey : e.ctrlKey;
  const inField = isField(e.target);
  for (const s of SHORTCUTS) {
    if (!s.match(e, mod)) continue;
    if (inField && !s.inFields) return;
    e.preventDefault();
    s.run();
    return;
  }
}
