import { promises as fs } from 'node:fs';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
};

export interface StaticFile {
  body: Buffer;
  type: string;
}

/**
 * Resolves a URL path inside `root`, refusing anything that escapes it (`..`, encoded slashes,
 * absolute paths). Unknown paths fall back to index.html so the single-page app can route.
 */
export async function readStatic(root: string, urlPath: string): Promise<StaticFile | null> {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (rel.includes('\0')) return null;
  const base = path.resolve(root);
  const file = path.resolve(base, `.${path.posix.normalize(`/${rel}`)}`);
  if (file !== base && !file.startsWith(base + path.sep)) return null;
  const found = (await isFile(file)) ? file : path.join(base, 'index.html');
  if (!(await isFile(found))) return null;
  return { body: await fs.readFile(found), type: TYPES[path.extname(found).toLowerCase()] ?? 'application/octet-stream' };
}

async function isFile(p: string): Promise<boolean> {
  const st = await fs.stat(p).catch(() => null);
  return st?.isFile() ?? false;
}
