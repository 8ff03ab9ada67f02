import type { StudioClient } from '../../core/api';
import { useConnection } from './connection';
import { createHttpClient, type ConnectionReporter } from './http-client';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a browser. */
    cnnStudio?: StudioClient;
  }
}

/**
 * Serve mode serves the page under `/t/<token>/`: the token is read from there and sent as a header
 * on every API call (the server takes the API's token from a header only, which no other site's
 * request can carry). Relative asset URLs keep the token path, so a reload works without a cookie.
 */
function pageToken(): string {
  const m = /^\/t\/([^/]+)\//.exec(window.location.pathname);
  return m ? decodeURIComponent(m[1]!) : '';
}

/** Electron's preload bridge when present, otherwise serve mode's HTTP client. */
export function connectBackend(): StudioClient {
  if (window.cnnStudio) return window.cnnStudio;
  const reporter: ConnectionReporter = {
    online: () => useConnection.setState({ status: 'online', retryAt: null, retryNow: null }),
    offline: (retryAt, retryNow) => useConnection.setState({ status: 'offline', retryAt, retryNow }),
  };
  return createHttpClient(new URL('./', window.location.href).href, pageToken(), reporter);
}
