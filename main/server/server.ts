/**
 * Serve mode: the same backend and the built renderer over HTTP + WebSocket, for a browser on
 * this machine or through an SSH tunnel. Every request (page, assets, API, events) needs the
 * per-start token; without it the answer is 401.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { isApiMethod, toWireError } from '../../core/api';
import type { Backend } from '../backend';
import { contentSecurityPolicy } from './csp';
import { readStatic } from './static-files';
import { TOKEN_COOKIE, newToken, requestToken, tokenMatches } from './token';

export interface ServeOptions {
  backend: Backend;
  /** Folder of the built renderer (index.html and assets). */
  staticDir: string;
  port?: number;
  host?: string;
  token?: string;
}

export interface StudioServer {
  url: string;
  /** The URL a person opens: carries the token. */
  openUrl: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;

export async function startServer(opts: ServeOptions): Promise<StudioServer> {
  const token = opts.token ?? newToken();
  const host = opts.host ?? '127.0.0.1';
  const sockets = new Set<WebSocket>();

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: toWireError(e) });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const { token: given, fromQuery } = requestToken(req, url);
    if (!tokenMatches(given, token)) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end('401: this CNN Studio server needs the token printed when it started (open the full URL it printed).\n');
      return;
    }
    const headers: Record<string, string> = {
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    };
    if (fromQuery) headers['set-cookie'] = `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;

    if (url.pathname.startsWith('/api/')) {
      await handleApi(req, res, url.pathname.slice('/api/'.length), headers);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, allow: 'GET, HEAD' }).end();
      return;
    }
    const file = await readStatic(opts.staticDir, url.pathname);
    if (!file) {
      res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
      res.end(`The studio's page is not built (looked in ${opts.staticDir}): run \`npm run build\`.\n`);
      return;
    }
    res.writeHead(200, { ...headers, 'content-type': file.type, 'content-security-policy': contentSecurityPolicy() });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, method: string, headers: Record<string, string>): Promise<void> {
    if (req.method !== 'POST') {
      res.writeHead(405, { ...headers, allow: 'POST' }).end();
      return;
    }
    if (!isApiMethod(method)) {
      sendJson(res, 404, { error: { code: 'unknown-method', message: `no API method "${method}"` } }, headers);
      return;
    }
    let payload: unknown;
    try {
      payload = JSON.parse((await readBody(req)) || '{}');
    } catch (e) {
      sendJson(res, 400, { error: { code: 'invalid-request', message: `${method}: ${e instanceof Error ? e.message : String(e)}` } }, headers);
      return;
    }
    try {
      const result = await opts.backend.call(method, payload);
      sendJson(res, 200, { result }, headers);
    } catch (e) {
      const error = toWireError(e);
      sendJson(res, error.code === 'internal' ? 500 : 400, { error }, headers);
    }
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/events' || !tokenMatches(requestToken(req, url).token, token)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      const unsubscribe = opts.backend.events.subscribe((event, payload) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, payload }));
      });
      // A page that just (re)loaded listed the runs before this socket opened: whatever changed in
      // between (a run that ended) would be lost, so each run's current state comes first.
      for (const view of opts.backend.runViews()) ws.send(JSON.stringify({ event: 'run', payload: view }));
      ws.on('close', () => {
        unsubscribe();
        sockets.delete(ws);
      });
      ws.on('error', () => ws.terminate());
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}/`;
  return {
    url,
    openUrl: `${url}?token=${token}`,
    port,
    token,
    close: async () => {
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`request body larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
