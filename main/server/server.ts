/**
 * Serve mode: the same backend and the built renderer over HTTP + WebSocket, for a browser on
 * this machine or through an SSH tunnel. Any web page the person visits can send requests here, so
 * each one passes, in order: a parsable target, a Host naming this server, an Origin that is this
 * server (when sent), then the token — in the path for the page and its assets (`/t/<token>/`), in
 * a header for the API (which a cross-site request cannot set), in the path or query for the event
 * socket (whose Origin the browser always sends). Every failure is a 4xx; nothing throws out.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { isApiMethod, toWireError } from '../../core/api';
import type { Backend } from '../backend';
import { contentSecurityPolicy } from './csp';
import { allowedHosts, checkHostAndOrigin, isJsonContentType, parseTarget } from './request-guard';
import { BodyBudget, BodyError, readBoundedBody } from './request-body';
import { readStatic } from './static-files';
import { TOKEN_PATH_PREFIX, headerToken, newToken, splitTokenPath, tokenMatches } from './token';

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
const UNAUTHORIZED = '401: this CNN Studio server needs the token printed when it started (open the full URL it printed).\n';
const BASE_HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };

export async function startServer(opts: ServeOptions): Promise<StudioServer> {
  const token = opts.token ?? newToken();
  const host = opts.host ?? '127.0.0.1';
  const maxBody = opts.maxBodyBytes ?? MAX_BODY_BYTES;
  const budget = new BodyBudget(opts.bodyBudgetBytes ?? 4 * maxBody);
  const sockets = new Set<WebSocket>();
  let hosts = new Set<string>();

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: toWireError(e) });
      else res.destroy();
    });
  });
  // A malformed request line or header never reaches the handler: answer it, do not crash.
  server.on('clientError', (_e, socket) => rejectSocket(socket, 400, 'Bad Request'));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = parseTarget(req);
    if (!url) return sendText(res, 400, 'bad request target\n');
    const guard = checkHostAndOrigin(req, hosts);
    if (!guard.ok) return sendText(res, guard.status, `${guard.status}: ${guard.message}\n`);
    const { token: pathToken, rest } = splitTokenPath(url.pathname);

    if (rest.startsWith('/api/')) {
      if (!tokenMatches(headerToken(req), token) || (pathToken !== null && !tokenMatches(pathToken, token))) {
        return sendJson(res, 401, { error: { code: 'unauthorized', message: UNAUTHORIZED.trim() } });
      }
      return handleApi(req, res, rest.slice('/api/'.length));
    }
    if (pathToken === null) {
      // The printed URL of older versions, `/?token=…`: move to the token path once it matches.
      const q = url.searchParams.get('token');
      if (url.pathname === '/' && tokenMatches(q, token)) {
        res.writeHead(303, { ...BASE_HEADERS, location: `${TOKEN_PATH_PREFIX}${token}/` }).end();
        return;
      }
      return sendText(res, 401, UNAUTHORIZED);
    }
    if (!tokenMatches(pathToken, token)) return sendText(res, 401, UNAUTHORIZED);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...BASE_HEADERS, allow: 'GET, HEAD' }).end();
      return;
    }
    const file = await readStatic(opts.staticDir, rest);
    if (!file) return sendText(res, 404, `The studio's page is not built (looked in ${opts.staticDir}): run \`npm run build\`.\n`);
    res.writeHead(200, { ...BASE_HEADERS, 'content-type': file.type, 'content-security-policy': contentSecurityPolicy() });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (req.method !== 'POST') {
      res.writeHead(405, { ...BASE_HEADERS, allow: 'POST' }).end();
      return;
    }
    if (!isJsonContentType(req.headers['content-type'])) {
      return sendError(res, 415, 'invalid-request', `${method}: the API takes application/json only`);
    }
    if (!isApiMethod(method)) return sendError(res, 404, 'unknown-method', `no API method "${method}"`);
    let text: string;
    try {
      text = await readBoundedBody(req, maxBody, budget);
    } catch (e) {
      const status = e instanceof BodyError ? e.status : 400;
      res.setHeader('connection', 'close');
      return sendError(res, status, status === 413 ? 'too-large' : status === 503 ? 'busy' : 'invalid-request', `${method}: ${(e as Error).message}`);
    }
    let payload: unknown;
    try {
      payload = JSON.parse(text || '{}');
    } catch (e) {
      return sendError(res, 400, 'invalid-request', `${method}: ${e instanceof Error ? e.message : String(e)}`);
    }
    try {
      sendJson(res, 200, { result: await opts.backend.call(method, payload) });
    } catch (e) {
      const error = toWireError(e);
      sendJson(res, error.code === 'internal' ? 500 : 400, { error });
    }
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    try {
      const refusal = upgradeRefusal(req);
      if (refusal) return rejectSocket(socket, refusal.status, refusal.reason);
      wss.handleUpgrade(req, socket, head, (ws) => attachEvents(ws));
    } catch {
      rejectSocket(socket, 400, 'Bad Request');
    }
  });

  function upgradeRefusal(req: IncomingMessage): { status: number; reason: string } | null {
    const url = parseTarget(req);
    if (!url) return { status: 400, reason: 'Bad Request' };
    const guard = checkHostAndOrigin(req, hosts);
    if (!guard.ok) return { status: guard.status, reason: 'Forbidden' };
    const { token: pathToken, rest } = splitTokenPath(url.pathname);
    if (rest !== '/events') return { status: 404, reason: 'Not Found' };
    const given = pathToken ?? url.searchParams.get('token');
    const queryToken = url.searchParams.get('token');
    if (!tokenMatches(given, token) || (queryToken !== null && !tokenMatches(queryToken, token))) return { status: 401, reason: 'Unauthorized' };
    return null;
  }

  function attachEvents(ws: WebSocket): void {
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
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  hosts = allowedHosts(host, port);
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}/`;
  return {
    url,
    openUrl: `${url}${TOKEN_PATH_PREFIX.slice(1)}${token}/`,
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

function rejectSocket(socket: Duplex, status: number, reason: string): void {
  if (socket.writable) socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  else socket.destroy();
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...BASE_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { error: { code, message } });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...BASE_HEADERS, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
