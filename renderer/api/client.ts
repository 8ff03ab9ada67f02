import type { StudioClient } from '../../core/api';
import { createHttpClient } from './http-client';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a browser. */
    cnnStudio?: StudioClient;
  }
}

const TOKEN_KEY = 'cnn-studio-token';

/** Electron's preload bridge when present, otherwise serve mode's HTTP client. */
export function connectBackend(): StudioClient {
  if (window.cnnStudio) return window.cnnStudio;
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    // Keep the secret out of the address bar, history and screenshots.
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url);
  }
  const token = fromUrl ?? sessionStorage.getItem(TOKEN_KEY) ?? '';
  return createHttpClient(new URL('./', window.location.href).href, token);
}
