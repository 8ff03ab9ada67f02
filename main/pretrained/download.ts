/**
 * Downloads a catalog entry's weights into the cache (<studio cache>/weights/<file>), verified
 * before it is used: the bytes arrive in <file>.part, an interrupted transfer resumes from there
 * with an HTTP Range request, and only a .part whose size and SHA-256 match the catalog is renamed
 * to its final name. A file in the cache is therefore always a verified one. A transfer that
 * receives nothing for `stallMs` fails; an AbortSignal cancels (keeping the .part for a resume).
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { hashMatches, sizeMatches, weightsUrl, type PretrainedEntry } from '../../core/pretrained/catalog';

export interface DownloadProgress {
  id: string;
  received: number;
  /** Bytes expected in all, when the server or the catalog says. */
  total: number | null;
  /** True once the transfer resumed a .part from an earlier attempt. */
  resumed: boolean;
}

export interface DownloadOptions {
  baseUrl: string;
  /** The studio cache folder; weights go to its `weights/` folder. */
  cacheDir: string;
  onProgress?: (p: DownloadProgress) => void;
  signal?: AbortSignal;
  /** Fail when no byte arrives for this long (default 30 s). */
  stallMs?: number;
}

/** One clear failure: names the URL and the offline alternative. */
export class WeightsDownloadError extends Error {
  override readonly name = 'WeightsDownloadError';
  constructor(
    readonly url: string,
    readonly reason: string,
    file: string,
  ) {
    super(
      `cannot download ${url}: ${reason}. Offline, or behind a firewall: fetch ${file} on another machine (or set CNN_STUDIO_WEIGHTS_URL to a mirror that serves it) and pass it with --weights ${file}`,
    );
  }
}

export class DownloadCancelled extends Error {
  override readonly name = 'DownloadCancelled';
  constructor(readonly url: string) {
    super(`download of ${url} cancelled; the part received so far is kept and the next try resumes it`);
  }
}

export const weightsCacheDir = (cacheDir: string): string => path.join(cacheDir, 'weights');
export const cachedWeightsPath = (cacheDir: string, e: PretrainedEntry): string => path.join(weightsCacheDir(cacheDir), e.file);

const MAX_REDIRECTS = 5;
const CUT = 'the server closed the connection mid-transfer (the part received is kept: run the command again to resume)';

async function fileSize(file: string): Promise<number> {
  try {
    return (await fs.stat(file)).size;
  } catch {
    return 0;
  }
}

async function sha256OfFile(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** The cached file when it is there; otherwise null. Cached files were verified before the rename. */
export async function cachedWeights(cacheDir: string, e: PretrainedEntry): Promise<string | null> {
  const file = cachedWeightsPath(cacheDir, e);
  return sizeMatches(e, await fileSize(file)) ? file : null;
}

/** Network errors in words (never a bare ECONNREFUSED). */
function networkReason(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'the server refused the connection';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve (no network?)';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'the connection was cut';
    case 'ETIMEDOUT':
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return 'the server cannot be reached (no network?)';
    default:
      return err.message;
  }
}

interface Transfer {
  url: string;
  entry: PretrainedEntry;
  part: string;
  opts: DownloadOptions;
}

/** GET `url` (following redirects), resuming at `from` bytes; resolves with the response. */
function request(t: Transfer, url: string, from: number, redirects = 0): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const get = url.startsWith('https:') ? https.get : http.get;
    const headers: Record<string, string> = from > 0 ? { Range: `bytes=${from}-` } : {};
    const onAbort = (): void => void req.destroy(new DownloadCancelled(t.url));
    const req = get(url, { headers }, (res) => {
      // From here the body's own stall timer and abort handler (receive) take over.
      req.setTimeout(0);
      t.opts.signal?.removeEventListener('abort', onAbort);
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (redirects >= MAX_REDIRECTS) return reject(new WeightsDownloadError(t.url, `more than ${MAX_REDIRECTS} redirects`, t.entry.file));
        return resolve(request(t, new URL(res.headers.location, url).toString(), from, redirects + 1));
      }
      resolve(res);
    });
    req.on('error', (e: NodeJS.ErrnoException) => reject(e instanceof DownloadCancelled ? e : new WeightsDownloadError(t.url, networkReason(e), t.entry.file)));
    const stallMs = t.opts.stallMs ?? 30_000;
    req.setTimeout(stallMs, () => req.destroy(new Error(`no answer for ${Math.round(stallMs / 1000)} s`)));
    t.opts.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Streams the response body into the .part file (appending when resuming), reporting progress. */
async function receive(t: Transfer, res: http.IncomingMessage, start: number, total: number | null, resumed: boolean): Promise<void> {
  const out = createWriteStream(t.part, { flags: start > 0 ? 'a' : 'w' });
  let received = start;
  let last = 0;
  const report = (force: boolean): void => {
    const now = Date.now();
    if (!force && now - last < 100) return;
    last = now;
    t.opts.onProgress?.({ id: t.entry.id, received, total, resumed });
  };
  report(true);
  const stallMs = t.opts.stallMs ?? 30_000;
  await new Promise<void>((resolve, reject) => {
    let timer = setTimeout(() => res.destroy(new Error(`no data for ${Math.round(stallMs / 1000)} s`)), stallMs);
    let failed = false;
    // The bytes received so far are flushed to the .part before the error is reported, so a
    // resume starts exactly where this transfer stopped.
    const fail = (e: Error): void => {
      if (failed) return;
      failed = true;
      clearTimeout(timer);
      t.opts.signal?.removeEventListener('abort', onAbort);
      out.end(() => reject(e));
    };
    const onAbort = (): void => void res.destroy(new DownloadCancelled(t.url));
    t.opts.signal?.addEventListener('abort', onAbort, { once: true });
    res.on('data', (chunk: Buffer) => {
      clearTimeout(timer);
      timer = setTimeout(() => res.destroy(new Error(`the transfer stalled (no data for ${Math.round(stallMs / 1000)} s)`)), stallMs);
      received += chunk.length;
      if (!out.write(chunk)) res.pause();
      report(false);
    });
    out.on('drain', () => res.resume());
    res.on('error', (e: NodeJS.ErrnoException) => fail(e instanceof DownloadCancelled || e.message.startsWith('the transfer stalled') ? e : new Error(CUT)));
    res.on('close', () => {
      if (!res.complete) fail(new Error(CUT));
    });
    out.on('error', (e) => {
      failed = true;
      clearTimeout(timer);
      res.destroy();
      reject(new Error(`cannot write ${t.part} (${e.message})`));
    });
    res.on('end', () => {
      clearTimeout(timer);
      t.opts.signal?.removeEventListener('abort', onAbort);
      out.end(() => resolve());
    });
  });
  report(true);
}

function expectedTotal(e: PretrainedEntry): number | null {
  return e.sizeBytes ?? null;
}

/** One HTTP attempt: resumes the .part if there is one, leaves the whole file in .part. */
async function transfer(t: Transfer): Promise<void> {
  const have = await fileSize(t.part);
  const res = await request(t, t.url, have);
  const status = res.statusCode ?? 0;
  if (status === 416 && have > 0) {
    // The .part already holds every byte (or more): verification decides.
    res.resume();
    return;
  }
  if (status !== 200 && status !== 206) {
    res.resume();
    throw new WeightsDownloadError(t.url, `the server answered HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}`, t.entry.file);
  }
  // 200 to a Range request: the server sends the whole file, so start the .part over.
  const start = status === 206 ? have : 0;
  const length = Number(res.headers['content-length']);
  const total = Number.isFinite(length) && length > 0 ? start + length : expectedTotal(t.entry);
  try {
    await receive(t, res, start, total, start > 0);
  } catch (e) {
    if (e instanceof DownloadCancelled || e instanceof WeightsDownloadError) throw e;
    throw new WeightsDownloadError(t.url, e instanceof Error ? e.message : String(e), t.entry.file);
  }
}

/** Size and hash of the .part against the catalog; a mismatch deletes it (it cannot be resumed). */
async function verify(t: Transfer): Promise<void> {
  const size = await fileSize(t.part);
  const hash = await sha256OfFile(t.part);
  if (sizeMatches(t.entry, size) && hashMatches(t.entry, hash)) return;
  await fs.rm(t.part, { force: true });
  const want = t.entry.sha256 ?? `${t.entry.sha256Prefix}…`;
  const sizeWant = t.entry.sizeBytes !== undefined ? `${t.entry.sizeBytes} bytes` : `${t.entry.sizeMiB} MiB`;
  throw new WeightsDownloadError(
    t.url,
    `the file received is not the published one (${size} bytes, SHA-256 ${hash.slice(0, 16)}…; expected ${sizeWant}, SHA-256 ${want}); it was deleted`,
    t.entry.file,
  );
}

/**
 * The verified weights file in the cache: downloaded (or resumed) when missing. Throws
 * WeightsDownloadError (naming the URL and `--weights`) or DownloadCancelled.
 */
export async function downloadWeights(entry: PretrainedEntry, opts: DownloadOptions): Promise<string> {
  const cached = await cachedWeights(opts.cacheDir, entry);
  if (cached) return cached;
  const final = cachedWeightsPath(opts.cacheDir, entry);
  await fs.mkdir(path.dirname(final), { recursive: true });
  const t: Transfer = { url: weightsUrl(entry, opts.baseUrl), entry, part: `${final}.part`, opts };
  if (opts.signal?.aborted) throw new DownloadCancelled(t.url);
  await transfer(t);
  await verify(t);
  await fs.rename(t.part, final);
  return final;
}
