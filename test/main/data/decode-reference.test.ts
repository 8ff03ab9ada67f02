/**
 * Decoded pixels compared with an independent decoder's: Pillow (Debian's python3-pil) reads the
 * same files. Lossless formats must agree exactly; lossy ones within the rounding of two IDCT
 * implementations. AVIF, which Debian's Pillow cannot read, is written lossless and compared with
 * the pixels it was made from.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../../main/data/decode';
import { PYTHON, torchMissing } from '../../helpers/python-torch';
import { tempDir } from '../../helpers/temp-dir';

const W = 24;
const H = 16;

/** A pattern with gradients, edges and all three channels varying independently. */
function pattern(): Buffer {
  const px = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      px[i] = Math.round((255 * x) / (W - 1));
      px[i + 1] = Math.round((255 * y) / (H - 1));
      px[i + 2] = (x + y) % 4 < 2 ? 230 : 20;
    }
  }
  return px;
}

/** What Pillow decodes, keyed by file. */
function pillowDecode(files: string[]): Map<string, { width: number; height: number; rgb: number[] }> {
  const script = path.join(__dirname, '../../helpers/pillow-decode.py');
  const r = spawnSync(PYTHON, [script, ...files], { encoding: 'utf8', maxBuffer: 16 << 20 });
  if (r.status !== 0) throw new Error(`Pillow reference decode failed: ${r.stderr}`);
  const out = new Map<string, { width: number; height: number; rgb: number[] }>();
  for (const line of r.stdout.trim().split('\n')) {
    const v = JSON.parse(line) as { file: string; width: number; height: number; rgb: number[] };
    out.set(v.file, v);
  }
  return out;
}

/** Largest and mean absolute difference between our CHW planes and an interleaved RGB buffer. */
function diff(chw: Uint8Array, rgb: ArrayLike<number>): { max: number; mean: number } {
  let max = 0;
  let sum = 0;
  for (let c = 0; c < 3; c++) {
    for (let p = 0; p < W * H; p++) {
      const d = Math.abs(chw[c * W * H + p]! - rgb[p * 3 + c]!);
      max = Math.max(max, d);
      sum += d;
    }
  }
  return { max, mean: sum / (3 * W * H) };
}

let tmp: string;
const files: Record<string, string> = {};
const source = pattern();

beforeAll(async () => {
  tmp = tempDir('cnn-data-');
  const img = () => sharp(source, { raw: { width: W, height: H, channels: 3 } });
  const write = async (name: string, encode: (s: Sharp) => Sharp) => {
    files[name] = path.join(tmp, name);
    await encode(img()).toFile(files[name]!);
  };
  await write('p.png', (s) => s.png());
  await write('p.tiff', (s) => s.tiff({ compression: 'lzw' }));
  await write('p.gif', (s) => s.gif({ colours: 256, dither: 0 }));
  await write('p.webp', (s) => s.webp({ lossless: true }));
  await write('p-lossy.webp', (s) => s.webp({ quality: 90 }));
  await write('p.jpg', (s) => s.jpeg({ quality: 95, chromaSubsampling: '4:4:4' }));
  await write('p.avif', (s) => s.avif({ lossless: true }));
});
const spec = { channels: 3, height: H, width: W, resize: 'stretch' } as const;

describe.skipIf(torchMissing() !== null)('decoded pixels agree with Pillow', () => {
  it.each([
    ['p.png', 0, 0],
    ['p.tiff', 0, 0],
    ['p.gif', 0, 0],
    ['p.webp', 0, 0],
    // Two decoders' IDCT and chroma upsampling differ by a little rounding, never by a shift.
    ['p.jpg', 3, 1],
    ['p-lossy.webp', 3, 1],
  ] as const)('%s: max difference <= %d, mean <= %d', async (name, maxDiff, meanDiff) => {
    const ref = pillowDecode([files[name]!]).get(files[name]!)!;
    expect([ref.width, ref.height]).toEqual([W, H]);
    const d = diff(await decodeImage(files[name]!, spec), ref.rgb);
    expect(d.max).toBeLessThanOrEqual(maxDiff);
    expect(d.mean).toBeLessThanOrEqual(meanDiff);
  });
});

describe('AVIF (Pillow cannot read it here): lossless file against its source pixels', () => {
  it('decodes to the pixels it was written from', async () => {
    const d = diff(await decodeImage(files['p.avif']!, spec), source);
    expect(d.max).toBeLessThanOrEqual(1);
  });
});
