/**
 * Serve mode: the same backend and the built renderer over HTTP + WebSocket, for a browser on
 * this machine or through an SSH tunnel. Any web page the person visits can send requests here, so
 * each one passes, in order: a parsable target, a Host naming this server, an Origin that is this
 * server (when sent), then the token — in the path for the page and its assets (`/t/<token>/`), in
 * a header for the API (which a cross-site request cannot set), in the path or query for the event
 * socket (whose Origin the browser always sends). Every failure is a 4xx; nothing throws out.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { toWireError } from '../../core/api';
import type { Backend } from '../backend';
import type { ServeContext } from './context';
import { eventSockets } from './event-socket';
import { handleRequest } from './http-handler';
import { allowedHosts } from './request-guard';
import { BodyBudget } from './request-body';
import { rejectSocket, sendJson } from './responses';
import { TOKEN_PATH_PREFIX, newToken } from './token';

export interface ServeOptions {
  backend: Backend;
  /** Folder of the built renderer (index.html and assets). */
  staticDir: string;
  port?: number;
  host?: string;
  token?: string;
  /** Largest request body, in bytes (default 64 MiB). */
  maxBodyBytes?: number;
  /** All request bodies being read at once, in bytes (default 4 bodies' worth). */
  bodyBudgetBytes?: number;
}

export interface StudioServer {
  url: string;
  /** The URL a person opens: the page under its token path. */
  openUrl: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;

export async function startServer(opts: ServeOptions): Promise<StudioServer> {
  const host = opts.host ?? '127.0.0.1';
  const maxBodyBytes = opts.maxBodyBytes ?? MAX_BODY_BYTES;
  const cx: ServeContext = {
    backend: opts.backend,
    staticDir: opts.staticDir,
    token: opts.token ?? newToken(),
    hosts: new Set(),
    maxBodyBytes,
    budget: new BodyBudget(opts.bodyBudgetBytes ?? 4 * maxBodyBytes),
  };
  const server = http.createServer((req, res) => {
    handleRequest(cx, req, res).catch((e: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: toWireError(e) });
      else res.destroy();
    });
  });
  // A malformed request line or header never reaches the handler: answer it, do not crash.
  server.on('clientError', (_e, socket) => rejectSocket(socket, 400, 'Bad Request'));
  const events = eventSockets(cx);
  server.on('upgrade', events.upgrade);

  await listen(server, opts.port ?? 0, host);
  const port = (server.address() as AddressInfo).port;
  cx.hosts = allowedHosts(host, port);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
  return {
    url,
    openUrl: `${url}${TOKEN_PATH_PREFIX.slice(1)}${cx.token}/`,
    port,
    token: cx.token,
    close: async () => {
      events.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
