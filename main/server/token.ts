import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** 192 random bits, URL-safe: the per-start secret that gates every request. */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** The prefix under which the page and its assets are served: `/t/<token>/`. */
export const TOKEN_PATH_PREFIX = '/t/';

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function tokenMatches(candidate: string | null | undefined, token: string): boolean {
  return typeof candidate === 'string' && candidate.length > 0 && safeEqual(candidate, token);
}

/**
 * The token a script sent as a header: `X-Studio-Token` (the page's client) or `Authorization:
 * Bearer` (scripts, curl). A cross-site form or `no-cors` fetch cannot set either header, which is
 * why the API accepts the token from a header alone — never from a cookie or the URL.
 */
export function headerToken(req: IncomingMessage): string | null {
  const h = req.headers['x-studio-token'];
  if (typeof h === 'string' && h) return h;
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length);
  return null;
}

/**
 * Splits `/t/<token>/rest` into the token and `/rest`. The page and its assets live under that
 * prefix, so relative asset URLs carry the token and a reload keeps working, with no cookie (a
 * cookie on 127.0.0.1 would be sent to every other local service, whatever its port).
 */
export function splitTokenPath(pathname: string): { token: string | null; rest: string } {
  if (!pathname.startsWith(TOKEN_PATH_PREFIX)) return { token: null, rest: pathname };
  const end = pathname.indexOf('/', TOKEN_PATH_PREFIX.length);
  if (end < 0) return { token: pathname.slice(TOKEN_PATH_PREFIX.length), rest: '/' };
  return { token: pathname.slice(TOKEN_PATH_PREFIX.length, end), rest: pathname.slice(end) };
}
