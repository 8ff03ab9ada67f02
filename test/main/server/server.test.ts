import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer, type StudioServer } from '../../../main/server/server';
import { staticSite, testBackend } from '../../helpers/test-backend';

let server: StudioServer;
const backend = testBackend();

beforeAll(async () => {
  server = await startServer({ backend, staticDir: staticSite(), port: 0 });
});
afterAll(async () => {
  await server.close();
});

const json = { 'content-type': 'application/json' };
const api = (method: string, body: unknown, headers: Record<string, string> = { 'x-studio-token': server.token }) =>
  fetch(`${server.url}api/${method}`, { method: 'POST', headers: { ...json, ...headers }, body: JSON.stringify(body) });

function wsStatus(url: string, headers: Record<string, string> = {}): Promise<'open' | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => undefined);
  });
}

/** Sends raw bytes (what no browser or fetch would send) and returns the status line's code, or 'closed'. */
function raw(request: string, port = server.port): Promise<number | 'closed'> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    let text = '';
    socket.on('data', (d) => {
      text += d.toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      if (m) {
        resolve(Number(m[1]));
        socket.destroy();
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve('closed'));
    socket.setTimeout(5000, () => socket.destroy());
  });
}

const hostHeader = () => `Host: 127.0.0.1:${server.port}`;
const upgrade = (target: string, extra: string[] = []) =>
  raw(
    [
      `GET ${target} HTTP/1.1`,
      hostHeader(),
      'Connection: Upgrade',
      'Upgrade: websocket',
      'Sec-WebSocket-Version: 13',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      ...extra,
      '',
      '',
    ].join('\r\n'),
  );

async function stillUp(): Promise<void> {
  const res = await api('version', {});
  expect(res.status).toBe(200);
}

describe('serve mode', () => {
  it('binds to loopback on a free port and prints a URL carrying a long random token in its path', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(server.port).toBeGreaterThan(0);
    expect(server.openUrl).toBe(`${server.url}t/${server.token}/`);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
  });

  it('answers 401 to page, assets, API and events without the token', async () => {
    expect((await fetch(server.url)).status).toBe(401);
    expect((await fetch(`${server.url}app.js`)).status).toBe(401);
    expect((await fetch(`${server.url}t/wrong/app.js`)).status).toBe(401);
    expect((await api('version', {}, {})).status).toBe(401);
    expect((await fetch(`${server.url}?token=wrong`)).status).toBe(401);
    expect((await api('version', {}, { 'x-studio-token': `${server.token}x` })).status).toBe(401);
    expect(await wsStatus(`${server.url.replace('http', 'ws')}events`)).toBe(401);
    expect(await wsStatus(`${server.url.replace('http', 'ws')}events?token=nope`)).toBe(401);
  });

  it('serves the page and its assets under the token path, with no cookie', async () => {
    const page = await fetch(server.openUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('set-cookie')).toBeNull();
    const asset = await fetch(`${server.openUrl}app.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
  });

  it('moves the URL form of older versions (/?token=) to the token path', async () => {
    const res = await fetch(`${server.url}?token=${server.token}`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/t/${server.token}/`);
  });

  it('never serves files outside the renderer folder', async () => {
    for (const p of ['..%2f..%2fetc%2fpasswd', '%2e%2e/%2e%2e/etc/passwd', '../../package.json']) {
      const res = await fetch(`${server.openUrl}${p}`);
      const text = await res.text();
      expect(text).not.toMatch(/root:|"name"/);
    }
  });

  it('calls the backend, and reports bad requests naming the field', async () => {
    const ok = (await (await api('version', {})).json()) as { result: { studio: string } };
    expect(ok.result.studio).toMatch(/^\d+\./);
    const viaPagePath = await fetch(`${server.openUrl}api/version`, { method: 'POST', headers: { ...json, 'x-studio-token': server.token }, body: '{}' });
    expect(viaPagePath.status).toBe(200);
    const bad = await api('openProject', { path: 42 });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/openProject: path/);
    expect((await api('noSuchMethod', {})).status).toBe(404);
    const notJson = await fetch(`${server.url}api/version`, { method: 'POST', headers: { ...json, 'x-studio-token': server.token }, body: '{oops' });
    expect(notJson.status).toBe(400);
  });

  it('pushes backend events over the WebSocket', async () => {
    const ws = new WebSocket(`${server.openUrl.replace('http', 'ws')}events`);
    await new Promise((r) => ws.on('open', r));
    const got = new Promise<unknown>((r) => ws.on('message', (m) => r(JSON.parse(String(m)))));
    backend.events.emit('log', { level: 'info', message: 'hello', at: 1 });
    expect(await got).toEqual({ event: 'log', payload: { level: 'info', message: 'hello', at: 1 } });
    ws.close();
  });
});

describe('serve mode against hostile requests', () => {
  it('stays up after a malformed cookie on a socket upgrade and on a plain request', async () => {
    expect(await upgrade('/events', ['Cookie: cnn_studio_token=%'])).toBe(401);
    expect(await raw(`GET / HTTP/1.1\r\n${hostHeader()}\r\nCookie: cnn_studio_token=%E0%A4%A\r\n\r\n`)).toBe(401);
    await stillUp();
  });

  it('answers 400 to request targets that are not paths, upgrade included, and stays up', async () => {
    expect(await raw(`GET http://[ HTTP/1.1\r\n${hostHeader()}\r\n\r\n`)).toBe(400);
    expect(await upgrade('http://[')).toBe(400);
    expect(await raw(`GET * HTTP/1.1\r\n${hostHeader()}\r\n\r\n`)).toBe(400);
    expect(await raw('NOT HTTP AT ALL\r\n\r\n')).toBe(400);
    await stillUp();
  });

  it('refuses the API without the token header, even with the token in the page path', async () => {
    const pathOnly = await fetch(`${server.openUrl}api/version`, { method: 'POST', headers: json, body: '{}' });
    expect(pathOnly.status).toBe(401);
    const queryOnly = await fetch(`${server.url}api/version?token=${server.token}`, { method: 'POST', headers: json, body: '{}' });
    expect(queryOnly.status).toBe(401);
  });

  it('takes application/json only on the API (a no-cors text/plain POST is refused)', async () => {
    const asText = await fetch(`${server.url}api/version`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-studio-token': server.token },
      body: '{}',
    });
    expect(asText.status).toBe(415);
    const asForm = await fetch(`${server.url}api/version`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-studio-token': server.token },
      body: 'a=1',
    });
    expect(asForm.status).toBe(415);
    expect((await api('version', {}, { 'x-studio-token': server.token, 'content-type': 'application/json; charset=utf-8' })).status).toBe(200);
  });

  it('refuses requests from another origin, another local port included', async () => {
    for (const origin of ['http://evil.example', `http://127.0.0.1:${server.port + 1}`, 'null', `https://127.0.0.1:${server.port}`]) {
      expect((await api('version', {}, { 'x-studio-token': server.token, origin })).status).toBe(403);
      expect(await wsStatus(`${server.openUrl.replace('http', 'ws')}events`, { origin })).toBe(403);
    }
    expect((await api('version', {}, { 'x-studio-token': server.token, origin: `http://127.0.0.1:${server.port}` })).status).toBe(200);
    expect((await api('version', {}, { 'x-studio-token': server.token, origin: `http://localhost:${server.port}` })).status).toBe(200);
  });

  it('answers only its own host names with its port (DNS rebinding)', async () => {
    const get = (host: string) => raw(`GET /t/${server.token}/ HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    expect(await get('evil.example')).toBe(403);
    expect(await get(`evil.example:${server.port}`)).toBe(403);
    expect(await get(`127.0.0.1:${server.port + 1}`)).toBe(403);
    expect(await raw(`GET /t/${server.token}/ HTTP/1.0\r\n\r\n`)).toBe(400);
    expect(await upgrade(`/t/${server.token}/events`)).toBe(101);
    expect(
      await raw(
        `GET /t/${server.token}/events HTTP/1.1\r\nHost: evil.example:${server.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
      ),
    ).toBe(403);
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, `LOCALHOST:${server.port}`, `[::1]:${server.port}`]) {
      expect(await get(host)).toBe(200);
    }
  });
});

describe('serve mode request bodies', () => {
  let small: StudioServer;
  beforeAll(async () => {
    small = await startServer({ backend, staticDir: staticSite(), port: 0, maxBodyBytes: 1024, bodyBudgetBytes: 1536 });
  });
  afterAll(async () => {
    await small.close();
  });
  const post = (body: string) => fetch(`${small.url}api/version`, { method: 'POST', headers: { ...json, 'x-studio-token': small.token }, body });

  it('answers 413 (not a connection reset) to a body over the limit, declared or streamed', async () => {
    const declared = await post(`"${'x'.repeat(2000)}"`);
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { error: { message: string } }).error.message).toMatch(/over the 0 MiB limit|limit/);
    const chunked = await raw(
      [
        `POST /api/version HTTP/1.1`,
        `Host: 127.0.0.1:${small.port}`,
        'Content-Type: application/json',
        `X-Studio-Token: ${small.token}`,
        'Transfer-Encoding: chunked',
        '',
        `800\r\n${'x'.repeat(0x800)}\r\n0\r\n\r\n`,
      ].join('\r\n'),
      small.port,
    ).then(String);
    expect(chunked).toBe('413');
    expect((await post('{}')).status).toBe(200);
  });

  it('answers 503 while other bodies hold the shared budget, and serves again once they end', async () => {
    // Two slow uploads of 1000 bytes each: together over the 1536-byte budget.
    const open = (n: number) =>
      new Promise<net.Socket>((resolve) => {
        const s = net.connect(small.port, '127.0.0.1', () => {
          s.write(
            [
              `POST /api/version HTTP/1.1`,
              `Host: 127.0.0.1:${small.port}`,
              'Content-Type: application/json',
              `X-Studio-Token: ${small.token}`,
              `Content-Length: 1002`,
              '',
              `"${'y'.repeat(n)}`,
            ].join('\r\n'),
          );
          resolve(s);
        });
        s.on('error', () => undefined);
      });
    const first = await open(1000);
    await new Promise((r) => setTimeout(r, 100));
    const second = new Promise<string>((resolve) => {
      void open(1000).then((s) => {
        let text = '';
        s.on('data', (d) => (text += d.toString()));
        s.on('close', () => resolve(text.slice(9, 12)));
      });
    });
    expect(await second).toBe('503');
    first.end('"');
    first.destroy();
    await new Promise((r) => setTimeout(r, 100));
    expect((await post('{}')).status).toBe(200);
  });
});
