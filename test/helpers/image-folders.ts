/** Small image folders for the data tests, written with sharp (into a folder from temp-dir.ts). */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { deflateSync } from 'node:zlib';

export type Format = 'png' | 'jpeg' | 'webp' | 'gif' | 'tiff' | 'avif';

/** An image from raw interleaved pixels (channels 1, 3 or 4). */
export async function writeRaw(file: string, data: Uint8Array, width: number, height: number, channels: 1 | 3 | 4, format: Format = 'png'): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  let img = sharp(Buffer.from(data), { raw: { width, height, channels } });
  if (channels === 1) img = img.toColourspace('b-w');
  const lossless = format === 'webp' || format === 'avif' ? { lossless: true } : {};
  await img.toFormat(format, lossless).toFile(file);
}

export function solid(width: number, height: number, rgb: number[]): Uint8Array {
  const c = rgb.length;
  const out = new Uint8Array(width * height * c);
  for (let i = 0; i < width * height; i++) for (let k = 0; k < c; k++) out[i * c + k] = rgb[k]!;
  return out;
}

/** A deterministic pattern so images differ (value depends on x, y, seed). */
export function pattern(width: number, height: number, channels: 1 | 3 | 4, seed: number): Uint8Array {
  const out = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let k = 0; k < channels; k++) {
        out[(y * width + x) * channels + k] = k === 3 ? 255 : (x * 37 + y * 11 + k * 71 + seed * 53) % 256;
      }
    }
  }
  return out;
}

export interface MixedDataset {
  root: string;
  good: string[];
  corrupt: string[];
}

/**
 * root/cat: 6 good images in every format (grey, RGB, RGBA, odd sizes) + hidden + .txt
 * root/dog: 5 good PNGs + 5 corrupt files (truncated PNG, random bytes .jpg, empty, text .png,
 *           a well-formed PNG whose header says 0x0)
 */
export async function mixedDataset(root: string): Promise<MixedDataset> {
  const good: string[] = [];
  const add = async (rel: string, data: Uint8Array, w: number, h: number, c: 1 | 3 | 4, f: Format): Promise<void> => {
    const p = path.join(root, rel);
    await writeRaw(p, data, w, h, c, f);
    good.push(p);
  };
  await add('cat/a.png', pattern(17, 13, 3, 1), 17, 13, 3, 'png');
  await add('cat/b.JPG', pattern(33, 21, 3, 2), 33, 21, 3, 'jpeg');
  await add('cat/c.webp', pattern(8, 8, 4, 3), 8, 8, 4, 'webp');
  await add('cat/d.gif', pattern(9, 7, 3, 4), 9, 7, 3, 'gif');
  await add('cat/e.tiff', pattern(12, 5, 1, 5), 12, 5, 1, 'tiff');
  await add('cat/f.avif', pattern(16, 16, 3, 6), 16, 16, 3, 'avif');
  for (let i = 0; i < 5; i++) await add(`dog/${i}.png`, pattern(10 + i, 9, i % 2 ? 1 : 3, 10 + i), 10 + i, 9, i % 2 ? 1 : 3, 'png');
  await fs.writeFile(path.join(root, 'cat', '.hidden.png'), 'x');
  await fs.writeFile(path.join(root, 'cat', 'notes.txt'), 'not an image');
  const full = await fs.readFile(good[good.length - 1]!);
  const corrupt = ['trunc.png', 'random.jpg', 'empty.png', 'text.png', 'zero.png'].map((f) => path.join(root, 'dog', f));
  await fs.writeFile(corrupt[0]!, full.subarray(0, Math.floor(full.length / 2)));
  const rnd = new Uint8Array(500);
  for (let i = 0; i < rnd.length; i++) rnd[i] = (i * 7919 + 13) % 251;
  await fs.writeFile(corrupt[1]!, rnd);
  await fs.writeFile(corrupt[2]!, new Uint8Array(0));
  await fs.writeFile(corrupt[3]!, 'this is a text file, not a PNG\n');
  await fs.writeFile(corrupt[4]!, zeroSizePng());
  return { root, good, corrupt };
}

/** root/<class>/<i>.png with `counts[class]` small grey images each. */
export async function simpleDataset(root: string, counts: Record<string, number>, size = 6): Promise<void> {
  let seed = 0;
  for (const [cls, n] of Object.entries(counts)) {
    for (let i = 0; i < n; i++) await writeRaw(path.join(root, cls, `${String(i).padStart(3, '0')}.png`), pattern(size, size, 1, seed++), size, size, 1);
  }
}

function crc32(buf: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of buf) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A PNG with valid chunks and CRCs whose IHDR says 0 x 0 pixels. */
export function zeroSizePng(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr[8] = 8; // bit depth; width, height, colour type 0 (grey) stay 0
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.alloc(0))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}
