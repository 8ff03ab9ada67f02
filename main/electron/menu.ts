import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../../core/api';

/**
 * The application menu. Document commands are sent to the renderer (it owns the open document
 * and its undo history); text editing uses Electron's roles so inputs behave natively.
 */
export interface MenuOptions {
  /** Offer View > Toggle Developer Tools (development builds, not the packaged app). */
  devTools: boolean;
}

export function menuTemplate(platform: NodeJS.Platform, send: (command: MenuCommand) => void, opts: MenuOptions): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const item = (label: string, accelerator: string, command: MenuCommand): MenuItemConstructorOptions => ({ label, accelerator, click: () => send(command) });
  const template: MenuItemConstructorOptions[] = [
    {
      label: 'File',
      submenu: [
        item('New', 'CmdOrCtrl+N', 'new'),
        item('Open…', 'CmdOrCtrl+O', 'open'),
        { type: 'separator' },
        item('Save', 'CmdOrCtrl+S', 'save'),
        item('Save As…', 'CmdOrCtrl+Shift+S', 'saveAs'),
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        // Graph undo lives in the renderer; text fields get their own undo from the browser when focused.
        item('Undo', 'CmdOrCtrl+Z', 'undo'),
        item('Redo', mac ? 'Cmd+Shift+Z' : 'Ctrl+Y', 'redo'),
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: 'View',
      submenu: [
        item('Fit View', 'Shift+1', 'fitView'),
        item('Auto Layout', 'CmdOrCtrl+L', 'autoLayout'),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(opts.devTools ? [{ type: 'separator' } as const, { role: 'toggleDevTools' } as const] : []),
      ],
    },
    {
      label: 'Help',
      submenu: [item('Keyboard Shortcuts', 'CmdOrCtrl+/', 'shortcuts'), item('About CNN Studio', '', 'about')],
    },
  ];
  if (mac) template.unshift({ role: 'appMenu' });
  return template;
}
