/**
 * What a request must show before serve mode looks at it: a parsable target, a Host header naming
 * this server (DNS rebinding: a hostile name resolving to 127.0.0.1 sends its own Host), and, where
 * the browser sends one, an Origin that is this server (CSRF from any other site or local port).
 */
import type { IncomingMessage } from 'node:http';
import os from 'node:os';

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];
const WILDCARD_ADDRESSES = new Set(['0.0.0.0', '::', '[::]']);

/** `host` as it appears in a Host header: IPv6 literals in brackets, names lower-case. */
function hostForm(host: string): string {
  const h = host.toLowerCase();
  return h.includes(':') && !h.startsWith('[') ? `[${h}]` : h;
}

/**
 * The `name:port` pairs a browser may send as Host: the loopback names, the bound address, and, when
 * bound to every interface, this machine's addresses and host name (the names a person can type).
 */
export function allowedHosts(boundHost: string, port: number): Set<string> {
  const names = new Set(LOOPBACK_NAMES);
  if (WILDCARD_ADDRESSES.has(boundHost)) {
    names.add(os.hostname().toLowerCase());
    for (const list of Object.values(os.networkInterfaces())) {
      for (const a of list ?? []) names.add(hostForm(a.address.split('%')[0]!));
    }
  } else {
    names.add(hostForm(boundHost));
  }
  return new Set([...names].map((n) => `${n}:${port}`));
}

/** Parses the request target; `null` for one that is not a path (`http://[`, `*`, garbage). */
export function parseTarget(req: IncomingMessage): URL | null {
  const target = req.url ?? '';
  if (!target.startsWith('/')) return null;
  try {
    return new URL(target, 'http://studio.invalid');
  } catch {
    return null;
  }
}

export type GuardVerdict = { ok: true } | { ok: false; status: 400 | 403; message: string };

/**
 * Host must be one of ours; Origin, when present, must be `http://` + one of ours. A missing Origin
 * is allowed: browsers send it on every cross-origin request, WebSocket upgrade and POST, so only
 * non-browser clients (curl, scripts), which a web page cannot drive, omit it.
 */
export function checkHostAndOrigin(req: IncomingMessage, hosts: Set<string>): GuardVerdict {
  const host = req.headers.host?.toLowerCase();
  if (!host) return { ok: false, status: 400, message: 'a request without a Host header is refused' };
  if (!hosts.has(host)) {
    return { ok: false, status: 403, message: `Host "${host}" is not this server: open the URL the studio printed` };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !(origin.startsWith('http://') && hosts.has(origin.slice('http://'.length).toLowerCase()))) {
    return { ok: false, status: 403, message: 'requests from other web pages are refused' };
  }
  return { ok: true };
}

/** True for `application/json`, with or without parameters (`; charset=utf-8`). */
export function isJsonContentType(value: string | undefined): boolean {
  return value?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}
