import { beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import sharp from 'sharp';
import { decodeImage, decodeImageAndSize, decodeImageFloat, ImageDecodeFailure, type DecodeSpec } from '../../../main/data/decode';
import { sampleSums } from '../../../core/data/stats';
import { mixedDataset, pattern, solid, writeRaw, type MixedDataset } from '../../helpers/image-folders';
import { tempDir } from '../../helpers/temp-dir';

let tmp: string;
let ds: MixedDataset;
beforeAll(async () => {
  tmp = tempDir('cnn-data-');
  ds = await mixedDataset(path.join(tmp, 'mixed'));
});
const px = (a: Uint8Array, C: number, H: number, W: number, y: number, x: number): number[] => Array.from({ length: C }, (_, c) => a[c * H * W + y * W + x]!);

/** sRGB -> linear, Rec.709 luminance, -> sRGB: what libvips' greyscale does. */
function srgbLuma(r: number, g: number, b: number): number {
  const lin = (v: number): number => ((v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  const y = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  return Math.round(255 * (y <= 0.0031308 ? 12.92 * y : 1.055 * y ** (1 / 2.4) - 0.055));
}

describe('decodeImage', () => {
  it('decodes every format, grey/RGB/RGBA, to the requested CHW shape', async () => {
    for (const spec of [
      { channels: 1, height: 9, width: 11, resize: 'stretch' },
      { channels: 3, height: 4, width: 4, resize: 'letterbox' },
    ] as DecodeSpec[]) {
      for (const f of ds.good) {
        const a = await decodeImage(f, spec);
        expect(a.length, f).toBe(spec.channels * spec.height * spec.width);
      }
    }
  });

  it('grey -> RGB repeats the value; RGB -> grey is sRGB luminance; alpha goes onto white', async () => {
    const grey = path.join(tmp, 'grey.png');
    await writeRaw(grey, solid(3, 2, [100]), 3, 2, 1);
    expect(px(await decodeImage(grey, { channels: 3, height: 2, width: 3, resize: 'stretch' }), 3, 2, 3, 1, 2)).toEqual([100, 100, 100]);
    const rgb = path.join(tmp, 'rgb.png');
    await writeRaw(rgb, solid(3, 2, [10, 200, 60]), 3, 2, 3);
    expect(px(await decodeImage(rgb, { channels: 1, height: 2, width: 3, resize: 'stretch' }), 1, 2, 3, 0, 0)).toEqual([srgbLuma(10, 200, 60)]);
    const red = path.join(tmp, 'red.png');
    await writeRaw(red, solid(2, 2, [255, 0, 0]), 2, 2, 3);
    expect(px(await decodeImage(red, { channels: 1, height: 2, width: 2, resize: 'stretch' }), 1, 2, 2, 1, 1)).toEqual([127]);
    const rgba = path.join(tmp, 'rgba.png');
    await writeRaw(rgba, solid(2, 2, [200, 100, 50, 128]), 2, 2, 4);
    const a = 128 / 255;
    const want = [200, 100, 50].map((v) => Math.round(v * a + 255 * (1 - a)));
    const got = px(await decodeImage(rgba, { channels: 3, height: 2, width: 2, resize: 'stretch' }), 3, 2, 2, 0, 1);
    got.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(1));
    const f = await decodeImageFloat(grey, { channels: 1, height: 2, width: 3, resize: 'stretch' });
    expect(f[0]).toBeCloseTo(100 / 255, 6);
  });

  it('applies EXIF orientation, as the predict path does', async () => {
    // Stored 20x10: left half red, right half blue; orientation 6 = shown rotated 90 degrees clockwise,
    // so the displayed image is 10 wide, 20 tall, red on top.
    const W = 20;
    const H = 10;
    const data = new Uint8Array(W * H * 3);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data.set(x < 10 ? [255, 0, 0] : [0, 0, 255], (y * W + x) * 3);
    const file = path.join(tmp, 'rotated.jpg');
    await sharp(Buffer.from(data), { raw: { width: W, height: H, channels: 3 } })
      .jpeg({ quality: 100 })
      .withMetadata({ orientation: 6 })
      .toFile(file);
    const a = await decodeImage(file, { channels: 3, height: 20, width: 10, resize: 'stretch' });
    const top = px(a, 3, 20, 10, 2, 5);
    const bottom = px(a, 3, 20, 10, 17, 5);
    expect(top[0]).toBeGreaterThan(200);
    expect(top[2]).toBeLessThan(60);
    expect(bottom[2]).toBeGreaterThan(200);
    expect(bottom[0]).toBeLessThan(60);
  });

  describe('resize policies (20x10 image: 5 green | 10 red | 5 blue columns)', () => {
    let file: string;
    beforeAll(async () => {
      const W = 20;
      const H = 10;
      const data = new Uint8Array(W * H * 3);
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++) {
          const rgb = x < 5 ? [0, 255, 0] : x < 15 ? [255, 0, 0] : [0, 0, 255];
          data.set(rgb, (y * W + x) * 3);
        }
      file = path.join(tmp, 'bands.png');
      await writeRaw(file, data, W, H, 3);
    });
    const dominant = (p: number[]): number => p.indexOf(Math.max(...p));

    it('stretch squeezes the whole width in', async () => {
      const a = await decodeImage(file, { channels: 3, height: 10, width: 10, resize: 'stretch' });
      expect(a.length).toBe(300);
      expect(dominant(px(a, 3, 10, 10, 5, 0))).toBe(1); // green
      expect(dominant(px(a, 3, 10, 10, 5, 5))).toBe(0); // red
      expect(dominant(px(a, 3, 10, 10, 5, 9))).toBe(2); // blue
    });

    it('center-crop keeps the middle at full scale', async () => {
      const a = await decodeImage(file, { channels: 3, height: 10, width: 10, resize: 'center-crop' });
      for (const x of [0, 5, 9]) expect(px(a, 3, 10, 10, 3, x)).toEqual([255, 0, 0]);
    });

    it('letterbox fits inside and pads with zeros', async () => {
      const a = await decodeImage(file, { channels: 3, height: 20, width: 20, resize: 'letterbox' });
      expect(px(a, 3, 20, 20, 0, 10)).toEqual([0, 0, 0]);
      expect(px(a, 3, 20, 20, 4, 10)).toEqual([0, 0, 0]);
      expect(px(a, 3, 20, 20, 5, 10)).toEqual([255, 0, 0]);
      expect(px(a, 3, 20, 20, 14, 0)).toEqual([0, 255, 0]);
      expect(px(a, 3, 20, 20, 15, 10)).toEqual([0, 0, 0]);
      const small = await decodeImage(file, { channels: 3, height: 10, width: 10, resize: 'letterbox' });
      expect(px(small, 3, 10, 10, 0, 5)).toEqual([0, 0, 0]);
      expect(dominant(px(small, 3, 10, 10, 5, 5))).toBe(0);
    });
  });

  it('names the problem of each corrupt file', async () => {
    const spec: DecodeSpec = { channels: 3, height: 8, width: 8, resize: 'stretch' };
    const reasons: Record<string, string> = {};
    for (const f of ds.corrupt) {
      const e = await decodeImage(f, spec).then(
        () => null,
        (err: unknown) => err,
      );
      expect(e, f).toBeInstanceOf(ImageDecodeFailure);
      reasons[path.basename(f)] = (e as ImageDecodeFailure).reason;
    }
    expect(reasons['empty.png']).toBe('empty file (0 bytes)');
    expect(reasons['trunc.png']).toMatch(/truncated or corrupt/);
    expect(reasons['random.jpg']).toMatch(/not a supported image/);
    expect(reasons['text.png']).toMatch(/not a supported image/);
    expect(reasons['zero.png']).toMatch(/0x0/);
    await expect(decodeImage(path.join(tmp, 'missing.png'), spec)).rejects.toThrow(/file disappeared/);
  });
});

describe('decodeImageAndSize', () => {
  it("computes the sample's channel sums in the conversion pass: the statistics pass's figures, RGB and grey", async () => {
    const dir = tempDir('cnn-decode-sums-');
    const file = path.join(dir, 'p.png');
    await writeRaw(file, pattern(37, 23, 3, 5), 37, 23, 3);
    for (const spec of [
      { channels: 3, height: 16, width: 20, resize: 'center-crop' },
      { channels: 1, height: 9, width: 9, resize: 'stretch', recordSize: true },
    ] satisfies DecodeSpec[]) {
      const d = await decodeImageAndSize(file, spec);
      const sum: number[] = [];
      const sq: number[] = [];
      sampleSums(d.pixels, 0, spec.channels, spec.height * spec.width, sum, sq);
      expect(d.sums).toEqual({ sum, sq });
      expect(d.pixels).toEqual(await decodeImage(file, spec));
      expect(d.size).toEqual(spec.recordSize ? { width: 37, height: 23 } : undefined);
    }
  });
});
