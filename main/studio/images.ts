/**
 * Small image helpers for the studio panels: thumbnails as data: URLs (so the page needs no image
 * route and no file access), and uploaded images written to a private temp folder for the
 * predictor, which reads files.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { StudioError } from '../../core/api';
import { IMAGE_EXTENSIONS } from '../data/scan';
import { readRegularFile } from '../fs/read-regular-file';

/** Thumbnails of larger files are not worth the wait: a dataset image is rarely this big. */
const MAX_THUMB_SOURCE_BYTES = 32 * 1024 * 1024;

export function isImagePath(file: string): boolean {
  return (IMAGE_EXTENSIONS as readonly string[]).includes(path.extname(file).toLowerCase());
}

/** A PNG data: URL of `file` fitted into size x size, or null when it cannot be read. */
export async function thumbnail(file: string, size = 48): Promise<string | null> {
  if (!isImagePath(file)) return null;
  try {
    // Read here, not by sharp from the path: a FIFO or device named by a client is refused, not waited on.
    const bytes = await readRegularFile(file, { limit: MAX_THUMB_SOURCE_BYTES, what: 'an image for a thumbnail' });
    const png = await sharp(bytes, { failOn: 'error' }).resize(size, size, { fit: 'inside', kernel: 'nearest', withoutEnlargement: false }).png().toBuffer();
    return `data:image/png;base64,${png.toString('base64')}`;
  } catch {
    return null;
  }
}

/** Thumbnails of several files at a time (a few in parallel; sharp has its own thread pool). */
export async function thumbnails(files: readonly string[], size = 48): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const queue = [...files];
  const worker = async (): Promise<void> => {
    for (let f = queue.shift(); f !== undefined; f = queue.shift()) {
      const t = await thumbnail(f, size);
      if (t) out[f] = t;
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return out;
}

export interface Upload {
  name: string;
  data: string;
}

/** Why an upload cannot be an image the studio reads (its name's extension), or null. */
export function uploadProblem(u: Upload): string | null {
  const ext = path.extname(u.name).toLowerCase();
  return (IMAGE_EXTENSIONS as readonly string[]).includes(ext) ? null : `${u.name}: not an image file (${IMAGE_EXTENSIONS.join(', ')})`;
}

/** Writes uploads to a fresh temp folder; `use` gets the files; the folder is removed after. */
export async function withUploadedFiles<T>(uploads: readonly Upload[], use: (files: string[]) => Promise<T>): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cnn-studio-upload-'));
  try {
    const files: string[] = [];
    for (const [i, u] of uploads.entries()) {
      // Only the extension of the given name is kept: the name never becomes a path.
      const ext = path.extname(u.name).toLowerCase();
      const problem = uploadProblem(u);
      if (problem) throw new StudioError('not-an-image', problem);
      const file = path.join(dir, `${i}${ext}`);
      await fs.writeFile(file, Buffer.from(u.data, 'base64'));
      files.push(file);
    }
    return await use(files);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
