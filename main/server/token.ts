import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'cnn_studio_token';

/** 192 random bits, URL-safe: the per-start secret that gates every request. */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

/**
 * Where a request may carry the token: the URL (`?token=`, as printed at start), a header the
 * browser client sets (`X-Studio-Token` or `Authorization: Bearer`), or the cookie the server sets
 * when the page is first opened with the URL token (so the page's own scripts and styles load).
 */
export function requestToken(req: IncomingMessage, url: URL): { token: string | null; fromQuery: boolean } {
  const q = url.searchParams.get('token');
  if (q) return { token: q, fromQuery: true };
  const h = req.headers['x-studio-token'];
  if (typeof h === 'string' && h) return { token: h, fromQuery: false };
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return { token: auth.slice(7), fromQuery: false };
  return { token: cookieValue(req.headers.cookie, TOKEN_COOKIE), fromQuery: false };
}

export function tokenMatches(candidate: string | null, token: string): boolean {
  return candidate !== null && safeEqual(candidate, token);
}
