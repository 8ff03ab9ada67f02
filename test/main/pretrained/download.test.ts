/** Weights download against a local server: resume by Range, verification, errors, stall, cancel. */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DownloadCancelled, downloadWeights, WeightsDownloadError, type DownloadProgress } from '../../../main/pretrained/download';
import { entryFor, startWeightsServer, type Behaviour, type WeightsServer } from './weights-server';

const data = randomBytes(300_000);
let server: WeightsServer | null = null;
const dirs: string[] = [];
const cacheDir = (): string => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'cnn-weights-'));
  dirs.push(d);
  return d;
};
afterEach(async () => {
  await server?.close();
  server = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function serve(entryFile: string, body: Buffer, b?: Behaviour): Promise<WeightsServer> {
  server = await startWeightsServer(new Map([[entryFile, body]]), new Map(b ? [[entryFile, b]] : []));
  return server;
}

describe('downloadWeights', () => {
  it('downloads, verifies and caches; a second call uses the cache without a request', async () => {
    const e = entryFor('plain', data);
    const s = await serve(e.file, data);
    const cache = cacheDir();
    const progress: DownloadProgress[] = [];
    const file = await downloadWeights(e, { baseUrl: s.baseUrl, cacheDir: cache, onProgress: (p) => progress.push(p) });
    expect(file).toBe(path.join(cache, 'weights', e.file));
    expect(readFileSync(file).equals(data)).toBe(true);
    expect(progress.at(-1)).toEqual({ id: e.id, received: data.length, total: data.length, resumed: false });
    expect(await downloadWeights(e, { baseUrl: s.baseUrl, cacheDir: cache })).toBe(file);
    expect(s.ranges.get(e.file)).toHaveLength(1);
  });

  it('an interrupted transfer fails, keeps the .part, and the next call resumes it with a Range request', async () => {
    const e = entryFor('cut', data);
    const s = await serve(e.file, data, { cutFirstAfter: 100_000 });
    const cache = cacheDir();
    await expect(downloadWeights(e, { baseUrl: s.baseUrl, cacheDir: cache })).rejects.toThrow(/mid-transfer/);
    const part = path.join(cache, 'weights', `${e.file}.part`);
    const kept = readFileSync(part).length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(100_000);
    expect(existsSync(path.join(cache, 'weights', e.file))).toBe(false);
    const progress: DownloadProgress[] = [];
    const file = await downloadWeights(e, { baseUrl: s.baseUrl, cacheDir: cache, onProgress: (p) => progress.push(p) });
    expect(s.ranges.get(e.file)).toEqual([undefined, `bytes=${kept}-`]);
    expect(progress[0]).toMatchObject({ received: kept, total: data.length, resumed: true });
    expect(readFileSync(file).equals(data)).toBe(true);
    expect(existsSync(part)).toBe(false);
  });

  it('a server that ignores Range sends the whole file again, and the .part starts over', async () => {
    const e = entryFor('norange', data);
    const s = await serve(e.file, data, { ignoreRange: true });
    const cache = cacheDir();
    mkdirSync(path.join(cache, 'weights'), { recursive: true });
    writeFileSync(path.join(cache, 'weights', `${e.file}.part`), data.subarray(0, 5000));
    const file = await downloadWeights(e, { baseUrl: s.baseUrl, cacheDir: cache });
    expect(readFileSync(file).equals(data)).toBe(true);
  });

  it('refuses a file whose hash differs, before it reaches the cache, naming the URL and --weights', async () => {
    const e = entryFor('wrong', data);
    const other = Buffer.from(data);
    other[1234] = other[1234]! ^ 0xff;
    const s = await serve(e.file, other);
    const cache = cacheDir();
    const err = await downloadWeights(e, { baseUrl: s.baseUrl, cacheDir: cache }).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(WeightsDownloadError);
    const m = (err as Error).message;
    expect(m).toContain(`${s.baseUrl}${e.file}`);
    expect(m).toContain('not the published one');
    expect(m).toContain(`--weights ${e.file}`);
    expect(existsSync(path.join(cache, 'weights', e.file))).toBe(false);
    expect(existsSync(path.join(cache, 'weights', `${e.file}.part`))).toBe(false);
  });

  it('a 404 and a refused connection are one clear error each', async () => {
    const e = entryFor('missing', data);
    const s = await serve('something-else.pth', data);
    await expect(downloadWeights(e, { baseUrl: s.baseUrl, cacheDir: cacheDir() })).rejects.toThrow(
      `cannot download ${s.baseUrl}${e.file}: the server answered HTTP 404 Not Found`,
    );
    const closedPort = s.baseUrl;
    await s.close();
    server = null;
    await expect(downloadWeights(e, { baseUrl: closedPort, cacheDir: cacheDir() })).rejects.toThrow(/the server refused the connection\. Offline.*--weights/);
  });

  it('a server that stalls mid-transfer times out', async () => {
    const e = entryFor('stall', data);
    const s = await serve(e.file, data, { stallAfter: 65536 });
    const start = Date.now();
    await expect(downloadWeights(e, { baseUrl: s.baseUrl, cacheDir: cacheDir(), stallMs: 300 })).rejects.toThrow(/stalled/);
    expect(Date.now() - start).toBeLessThan(5000);
  });

  it('cancels mid-transfer, keeping the .part', async () => {
    const e = entryFor('cancel', data);
    const s = await serve(e.file, data, { chunkDelayMs: 50 });
    const cache = cacheDir();
    const ac = new AbortController();
    const p = downloadWeights(e, { baseUrl: s.baseUrl, cacheDir: cache, signal: ac.signal, onProgress: (x) => x.received >= 65536 && ac.abort() });
    await expect(p).rejects.toBeInstanceOf(DownloadCancelled);
    expect(existsSync(path.join(cache, 'weights', `${e.file}.part`))).toBe(true);
    expect(existsSync(path.join(cache, 'weights', e.file))).toBe(false);
  });
});
