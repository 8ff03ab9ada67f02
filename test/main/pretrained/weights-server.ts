/**
 * A local HTTP server for the weights download tests: serves files the test makes under
 * /models/<name>, honours Range requests, and can misbehave on purpose per file name.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PretrainedEntry } from '../../../core/pretrained/catalog';
import { getPretrained } from '../../../core/pretrained/catalog';

/** How the server treats one file: cut after N bytes on the first request, stall, ignore Range. */
export interface Behaviour {
  cutFirstAfter?: number;
  stallAfter?: number;
  ignoreRange?: boolean;
  /** Wait this long between chunks of 64 KiB (to watch progress or cancel mid-way). */
  chunkDelayMs?: number;
}

export interface WeightsServer {
  baseUrl: string;
  /** Range headers received, per file name, in order. */
  ranges: Map<string, (string | undefined)[]>;
  close(): Promise<void>;
}

export function startWeightsServer(files: Map<string, Buffer>, behaviour: Map<string, Behaviour> = new Map()): Promise<WeightsServer> {
  const ranges = new Map<string, (string | undefined)[]>();
  const cut = new Set<string>();
  const server = http.createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '').replace(/^\/models\//, ''));
    const body = files.get(name);
    if (!body) {
      res.writeHead(404, 'Not Found').end('not found');
      return;
    }
    const b = behaviour.get(name) ?? {};
    ranges.set(name, [...(ranges.get(name) ?? []), req.headers.range]);
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    let start = 0;
    if (m && !b.ignoreRange) {
      start = Number(m[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, { 'Content-Length': body.length - start, 'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}` });
    } else {
      res.writeHead(200, { 'Content-Length': body.length });
    }
    let at = start;
    const limit = b.cutFirstAfter !== undefined && !cut.has(name) ? b.cutFirstAfter : b.stallAfter;
    const send = (): void => {
      if (limit !== undefined && at >= limit) {
        if (b.cutFirstAfter !== undefined && !cut.has(name)) {
          cut.add(name);
          res.destroy();
        }
        return; // stall: keep the connection open, send nothing more
      }
      const end = Math.min(body.length, at + 65536, limit ?? Infinity);
      res.write(body.subarray(at, end));
      at = end;
      if (at >= body.length) res.end();
      else setTimeout(send, b.chunkDelayMs ?? 0);
    };
    send();
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        baseUrl: `http://127.0.0.1:${port}/models/`,
        ranges,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** A catalog entry for a test file: resnet18's facts, with this file's name, size and SHA-256. */
export function entryFor(name: string, data: Buffer, id = 'resnet18'): PretrainedEntry {
  const sha256 = createHash('sha256').update(data).digest('hex');
  return {
    ...getPretrained(id)!,
    file: `${name}-${sha256.slice(0, 8)}.pth`,
    sha256Prefix: sha256.slice(0, 8),
    sha256,
    sizeBytes: data.length,
    sizeMiB: data.length / 1048576,
  };
}
