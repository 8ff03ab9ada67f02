/**
 * Electron main process: window, protocol, IPC, menu, dialogs. Heavy work never runs here: the
 * backend runs training and evaluations in a utility process (the trainer's own process, with its
 * heap tuning); this process only routes messages.
 */
import { app, BrowserWindow, Menu, dialog, ipcMain, protocol, session, shell, utilityProcess, type WebContents } from 'electron';
import path from 'node:path';
import { Backend } from '../backend';
import { quietOnnxRuntimeLogs } from '../ort-log';
import { projectCodec } from '../project-codec';
import { rendererDir } from '../paths';
import { utilityProcessHost } from '../trainer/host-utility';
import { bindIpc, forwardEvents } from './ipc';
import { isAllowedExternalUrl } from './external-links';
import { menuTemplate } from './menu';
import { APP_ORIGIN, APP_URL, registerScheme, serveRenderer } from './protocol';
import { secureWebPreferences } from './web-preferences';

registerScheme(protocol);
quietOnnxRuntimeLogs();

const windows = new Set<WebContents>();

function projectFromArgv(argv: string[]): string | null {
  const file = argv.slice(app.isPackaged ? 1 : 2).find((a) => !a.startsWith('-') && a.endsWith('.json'));
  return file ? path.resolve(file) : null;
}

const backend = new Backend({
  host: 'electron',
  codec: projectCodec,
  electronVersion: process.versions.electron ?? null,
  startupProject: projectFromArgv(process.argv),
  // Training and evaluation in Electron's utility process: a crash or out-of-memory there ends the
  // run, not the app, and it starts with TRAINER_ENV (a worker thread would share this process).
  trainStart: { host: utilityProcessHost(utilityProcess) },
  dialogs: async (req) => {
    const win = BrowserWindow.getFocusedWindow();
    const common = { title: req.title, defaultPath: req.defaultPath, filters: req.filters };
    if (req.mode === 'save') {
      const r = win ? await dialog.showSaveDialog(win, common) : await dialog.showSaveDialog(common);
      return r.canceled || !r.filePath ? null : r.filePath;
    }
    const properties: ('openFile' | 'openDirectory')[] = [req.mode === 'folder' ? 'openDirectory' : 'openFile'];
    const r = win ? await dialog.showOpenDialog(win, { ...common, properties }) : await dialog.showOpenDialog({ ...common, properties });
    return r.canceled ? null : (r.filePaths[0] ?? null);
  },
});

function createWindow(): void {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    title: 'CNN Studio',
    show: false,
    webPreferences: secureWebPreferences(path.join(__dirname, 'preload.cjs')),
  });
  const contents = win.webContents;
  windows.add(contents);
  const stopEvents = forwardEvents(backend, contents);
  win.on('closed', () => {
    stopEvents();
    windows.delete(contents);
  });
  // The page never leaves app://studio; links to the web open in the user's browser instead.
  contents.on('will-navigate', (e, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) e.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (e) => e.preventDefault());
  win.once('ready-to-show', () => win.show());
  void win.loadURL(APP_URL);
}

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-redirect', (e, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) e.preventDefault();
  });
});

void app.whenReady().then(() => {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  serveRenderer(protocol, rendererDir());
  bindIpc(ipcMain, backend, (wc) => windows.has(wc));
  Menu.setApplicationMenu(
    // Developer tools only in development: a packaged app has no use for them.
    Menu.buildFromTemplate(menuTemplate(process.platform, (command) => backend.events.emit('menu', { command }), { devTools: !app.isPackaged })),
  );
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
