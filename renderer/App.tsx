import { useEffect, useState } from 'react';
import type { StartupState, StudioClient, VersionInfo } from '../core/api';
import { ProvidersPanel } from './components/ProvidersPanel';
import { StatusBar } from './components/StatusBar';

export function App({ api }: { api: StudioClient }) {
  const [version, setVersion] = useState<VersionInfo | null>(null);
  const [startup, setStartup] = useState<StartupState | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.version({}).then(setVersion, (e: Error) => setError(e.message));
    api.startup({}).then(setStartup, (e: Error) => setError(e.message));
  }, [api]);

  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">CNN Studio</span>
        {startup?.project && <span className="project-path" data-testid="project-path">{startup.project.path}</span>}
      </header>
      <main className="workspace">
        {error && (
          <div className="banner error" role="alert">
            {error}
          </div>
        )}
        {startup?.error && (
          <div className="banner error" role="alert">
            {startup.error}
          </div>
        )}
        <section className="card">
          <h1>Design, train and ship convolutional networks</h1>
          <p>
            Wire blocks into a CNN, see every tensor shape as you draw, train on a folder of your images with the GPU you
            have, and export ONNX.
          </p>
        </section>
        <ProvidersPanel api={api} />
      </main>
      <StatusBar version={version} />
    </div>
  );
}
