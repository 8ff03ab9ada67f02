import type { VersionInfo } from '../../core/api';

export function StatusBar({ version }: { version: VersionInfo | null }) {
  return (
    <footer className="statusbar">
      {version ? (
        <span data-testid="backend-version">
          CNN Studio {version.studio} · onnxruntime {version.onnxruntime} · {version.host === 'electron' ? `Electron ${version.electron}` : 'serve mode'} ·{' '}
          {version.platform}/{version.arch}
        </span>
      ) : (
        <span>Connecting to the backend…</span>
      )}
    </footer>
  );
}
