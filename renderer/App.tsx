import { useEffect, useState } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import type { MenuCommand, StudioClient, VersionInfo } from '../core/api';
import { Canvas } from './editor/Canvas';
import { Palette } from './editor/Palette';
import { handleShortcut } from './editor/shortcuts';
import { ConfirmDialog } from './files/ConfirmDialog';
import { FileBrowser } from './files/FileBrowser';
import { RecoveryBanner } from './files/RecoveryBanner';
import { TemplatesDialog } from './files/TemplatesDialog';
import { PretrainedDialog } from './studio/PretrainedDialog';
import { MachineDialog } from './components/MachineDialog';
import { RightPanel } from './components/RightPanel';
import { ShortcutsOverlay } from './components/ShortcutsOverlay';
import { StatusBar } from './components/StatusBar';
import { Toasts } from './components/Toasts';
import { TopBar } from './components/TopBar';
import { adoptOpened, checkRecovery, openDialog, save, saveAs, startAutosave, useFiles } from './state/files';
import { useUi } from './state/ui';
import { isDirty, useDoc } from './state/document';
import { exposePerfHooks } from './perf-hooks';
import { prewarmLayout } from './layout/auto-layout';
import { attachStudio } from './state/studio';
import { attachPreferences } from './state/preferences';
import { ConnectionBanner } from './components/ConnectionBanner';
import { StudioView } from './studio/StudioView';
import { PathPicker } from './studio/PathPicker';
import { ViewTabs } from './studio/ViewTabs';

/** Commands from Electron's native menu arrive as events; they do what the same keys do. */
function runMenu(command: MenuCommand): void {
  const ui = useUi.getState();
  switch (command) {
    case 'new':
      return ui.open('templates');
    case 'open':
      return openDialog();
    case 'save':
      return save();
    case 'saveAs':
      return saveAs();
    case 'undo':
      return useDoc.getState().undo();
    case 'redo':
      return useDoc.getState().redo();
    case 'fitView':
      return ui.requestFit('all');
    case 'autoLayout':
      return ui.requestLayout();
    case 'shortcuts':
      return ui.open('shortcuts');
    case 'about':
      return ui.open('machine');
  }
}

export function App({ api }: { api: StudioClient }) {
  const [version, setVersion] = useState<VersionInfo | null>(null);
  const theme = useUi((s) => s.theme);
  const dialog = useUi((s) => s.dialog);
  const browse = useFiles((s) => s.browse);
  const busy = useFiles((s) => s.busy);

  useEffect(() => {
    useFiles.setState({ api });
    exposePerfHooks();
    prewarmLayout();
    startAutosave();
    api.version({}).then(setVersion, (e: Error) => useUi.getState().toast('error', `Backend: ${e.message}`));
    api.startup({}).then(
      (st) => {
        if (st.project) void adoptOpened(st.project.path, st.project.project);
        if (st.error) useUi.getState().toast('error', st.error);
        void checkRecovery();
      },
      (e: Error) => useUi.getState().toast('error', `Backend: ${e.message}`),
    );
    const offMenu = api.on('menu', ({ command }) => runMenu(command));
    // Training runs live in the backend: list them and follow the live one (survives a reload).
    const offStudio = attachStudio(api);
    // Theme, recent files, dataset and per-project training settings, kept by the backend.
    const offPrefs = attachPreferences(api);
    window.addEventListener('keydown', handleShortcut);
    // In a browser tab (serve mode), closing with unsaved changes asks first; the recovery file
    // covers crashes. Electron's window handles its own close.
    const beforeUnload = (e: BeforeUnloadEvent) => {
      if (!window.cnnStudio && isDirty(useDoc.getState())) e.preventDefault();
    };
    window.addEventListener('beforeunload', beforeUnload);
    return () => {
      window.removeEventListener('beforeunload', beforeUnload);
      offMenu();
      offStudio();
      offPrefs();
      window.removeEventListener('keydown', handleShortcut);
    };
  }, [api]);

  useEffect(() => {
    document.documentElement.dataset['theme'] = theme;
  }, [theme]);

  return (
    <ReactFlowProvider>
      <div className="app" data-theme={theme}>
        <TopBar />
        <ConnectionBanner />
        <ViewTabs />
        <RecoveryBanner />
        <main className="workspace">
          <Palette />
          <Canvas />
          <RightPanel />
          <StudioView />
        </main>
        <StatusBar version={version} />
        {dialog === 'templates' && <TemplatesDialog />}
        {dialog === 'pretrained' && <PretrainedDialog />}
        {dialog === 'shortcuts' && <ShortcutsOverlay />}
        {dialog === 'machine' && <MachineDialog api={api} />}
        {browse && <FileBrowser mode={browse.mode} start={browse.start} />}
        <PathPicker />
        <ConfirmDialog />
        {busy && (
          <div className="busy" data-testid="busy">
            {busy}
          </div>
        )}
        <Toasts />
      </div>
    </ReactFlowProvider>
  );
}
