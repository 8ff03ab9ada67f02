import type { WebPreferences } from 'electron';

/**
 * The renderer is untrusted: isolated from the preload, sandboxed, no Node. It reaches the
 * backend only through the methods the preload exposes.
 */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
  };
}
