/**
 * The event stream: a WebSocket at `/t/<token>/events` (or `/events?token=`). A browser cannot set
 * headers on a socket, so the token rides in the URL; the browser always sends Origin on an
 * upgrade, and it must be this server's.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ServeContext } from './context';
import { checkHostAndOrigin, parseTarget } from './request-guard';
import { rejectSocket } from './responses';
import { splitTokenPath, tokenMatches } from './token';

export interface EventSockets {
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): void;
}

export function eventSockets(cx: ServeContext): EventSockets {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const open = new Set<WebSocket>();

  function attach(ws: WebSocket): void {
    open.add(ws);
    const unsubscribe = cx.backend.events.subscribe((event, payload) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, payload }));
    });
    // A page that just (re)loaded listed the runs before this socket opened: whatever changed in
    // between (a run that ended) would be lost, so each run's current state comes first.
    for (const view of cx.backend.runViews()) ws.send(JSON.stringify({ event: 'run', payload: view }));
    ws.on('close', () => {
      unsubscribe();
      open.delete(ws);
    });
    ws.on('error', () => ws.terminate());
  }

  return {
    upgrade(req, socket, head) {
      try {
        const refusal = upgradeRefusal(cx, req);
        if (refusal) return rejectSocket(socket, refusal.status, refusal.reason);
        wss.handleUpgrade(req, socket, head, attach);
      } catch {
        rejectSocket(socket, 400, 'Bad Request');
      }
    },
    close() {
      for (const ws of open) ws.terminate();
      wss.close();
    },
  };
}

function upgradeRefusal(cx: ServeContext, req: IncomingMessage): { status: number; reason: string } | null {
  const url = parseTarget(req);
  if (!url) return { status: 400, reason: 'Bad Request' };
  const guard = checkHostAndOrigin(req, cx.hosts);
  if (!guard.ok) return { status: guard.status, reason: 'Forbidden' };
  const { token: pathToken, rest } = splitTokenPath(url.pathname);
  if (rest !== '/events') return { status: 404, reason: 'Not Found' };
  const queryToken = url.searchParams.get('token');
  const given = pathToken ?? queryToken;
  if (!tokenMatches(given, cx.token) || (queryToken !== null && !tokenMatches(queryToken, cx.token))) return { status: 401, reason: 'Unauthorized' };
  return null;
}
