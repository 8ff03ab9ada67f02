import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer, type StudioServer } from '../../main/server/server';
import { staticSite, testBackend } from './helpers';

let server: StudioServer;
const backend = testBackend();

beforeAll(async () => {
  server = await startServer({ backend, staticDir: staticSite(), port: 0 });
});
afterAll(async () => {
  await server.close();
});

const api = (method: string, body: unknown, headers: Record<string, string> = { 'x-studio-token': server.token }) =>
  fetch(`${server.url}api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

function wsStatus(url: string): Promise<'open' | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => undefined);
  });
}

describe('serve mode', () => {
  it('binds to loopback on a free port and prints a URL carrying a long random token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(server.port).toBeGreaterThan(0);
    expect(server.openUrl).toBe(`${server.url}?token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
  });

  it('answers 401 to page, assets, API and events without the token', async () => {
    expect((await fetch(server.url)).status).toBe(401);
    expect((await fetch(`${server.url}app.js`)).status).toBe(401);
    expect((await api('version', {}, {})).status).toBe(401);
    expect((await fetch(`${server.url}?token=wrong`)).status).toBe(401);
    expect((await api('version', {}, { 'x-studio-token': `${server.token}x` })).status).toBe(401);
    expect(await wsStatus(`${server.url.replace('http', 'ws')}events`)).toBe(401);
    expect(await wsStatus(`${server.url.replace('http', 'ws')}events?token=nope`)).toBe(401);
  });

  it('serves the page with the token, then its assets through the cookie it set', async () => {
    const page = await fetch(server.openUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const cookie = page.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const asset = await fetch(`${server.url}app.js`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
  });

  it('never serves files outside the renderer folder', async () => {
    const h = { 'x-studio-token': server.token };
    for (const p of ['..%2f..%2fetc%2fpasswd', '%2e%2e/%2e%2e/etc/passwd', '../../package.json']) {
      const res = await fetch(`${server.url}${p}`, { headers: h });
      const text = await res.text();
      expect(text).not.toMatch(/root:|"name"/);
    }
  });

  it('calls the backend, and reports bad requests naming the field', async () => {
    const ok = (await (await api('version', {})).json()) as { result: { studio: string } };
    expect(ok.result.studio).toMatch(/^\d+\./);
    const bad = await api('openProject', { path: 42 });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/openProject: path/);
    expect((await api('noSuchMethod', {})).status).toBe(404);
    const notJson = await fetch(`${server.url}api/version`, { method: 'POST', headers: { 'x-studio-token': server.token }, body: '{oops' });
    expect(notJson.status).toBe(400);
  });

  it('pushes backend events over the WebSocket', async () => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}events?token=${server.token}`);
    await new Promise((r) => ws.on('open', r));
    const got = new Promise<unknown>((r) => ws.on('message', (m) => r(JSON.parse(String(m)))));
    backend.events.emit('log', { level: 'info', message: 'hello', at: 1 });
    expect(await got).toEqual({ event: 'log', payload: { level: 'info', message: 'hello', at: 1 } });
    ws.close();
  });
});
