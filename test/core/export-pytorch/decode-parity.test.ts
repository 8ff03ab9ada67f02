/**
 * The exported train.py reads images with Pillow; the studio with sharp (libvips). Its README
 * ("Differences from the studio") promises: the same resize policies (Lanczos, sampled as libvips
 * samples) and alpha over white; resampled pixels within two or three levels; images already at
 * the model's size and mode read identically; a colour image made grey by a different luma. This measures each promise on
 * resized, grey, colour-to-grey and transparent PNGs (lossless, so only the resampling and the
 * colour conversion differ) for every resize policy.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportPytorch } from '../../../core/export-pytorch/index';
import { buildTemplate } from '../../../core/templates/index';
import { decodeImage, RESIZE_POLICIES, type DecodeSpec } from '../../../main/data/decode';
import { runPython, TEST_RECIPE, torchMissing, writeFiles } from '../../helpers/python-torch';
import { tempDir } from '../../helpers/temp-dir';

const missing = torchMissing();
if (missing) console.warn(`skipping the train.py decode checks: ${missing}`);

/** Reads each (file, C, H, W, policy) with train.py's own load_image; prints levels 0..255 as JSON. */
const PROBE = `import json
import sys

import train

out = []
for path, c, h, w, policy in json.loads(sys.argv[1]):
    train.INPUT_SIZE = (c, h, w)
    x = train.load_image(path, policy)
    out.append([int(v) for v in (x * 255).round().flatten().tolist()])
print(json.dumps(out))
`;

/** A W×H test card with channels 1, 3 or 4: a gradient, a hard edge and a diagonal wave (what resampling changes). */
async function writeCard(file: string, width: number, height: number, channels: 1 | 3 | 4): Promise<void> {
  const px = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      const r = Math.round((255 * x) / (width - 1));
      const g = x > width / 2 ? 230 : 20;
      const b = Math.round(127 + 120 * Math.sin((2 * Math.PI * (x + 2 * y)) / 17));
      const values = channels === 1 ? [Math.round(0.5 * r + 0.3 * g + 0.2 * b)] : [r, g, b, Math.round((255 * y) / (height - 1))];
      for (let c = 0; c < channels; c++) px[i + c] = values[c]!;
    }
  }
  await sharp(px, { raw: { width, height, channels } }).png().toFile(file);
}

/**
 * A photo-sized JPEG of the same card. sharp decodes a JPEG this much larger than the model at
 * 1/2, 1/4 or 1/8 scale inside libjpeg (shrink-on-load), unless its EXIF orientation rotates it;
 * `orientation` writes that tag.
 */
async function writeJpegCard(file: string, width: number, height: number, orientation?: number): Promise<void> {
  const png = `${file}.png`;
  await writeCard(png, width, height, 3);
  const jpeg = sharp(png).jpeg({ quality: 92 });
  await (orientation ? jpeg.withMetadata({ orientation }) : jpeg).toFile(file);
}

interface Case {
  name: string;
  file: string;
  spec: DecodeSpec;
}

interface Measured extends Case {
  studio: Uint8Array;
  pillow: number[];
  /** the largest difference in levels (0..255), and how many values differ by more than one */
  maxDiff: number;
  overOne: number;
  count: number;
}

describe.skipIf(missing !== null)('train.py (Pillow) against the studio (sharp): the decoded pixels', () => {
  const root = tempDir('cnn-pt-decode-');
  const file = (name: string) => path.join(root, name);
  let measured: Measured[] = [];

  beforeAll(async () => {
    const project = path.join(root, 'project');
    writeFiles(project, exportPytorch(buildTemplate('lenet5', { classes: 3 }), { projectName: 'p', recipe: TEST_RECIPE }).files);
    writeFileSync(path.join(project, 'probe.py'), PROBE);
    await writeCard(file('rgb.png'), 45, 37, 3);
    await writeCard(file('grey.png'), 40, 30, 1);
    await writeCard(file('rgba.png'), 33, 50, 4);
    await writeCard(file('rgb28.png'), 28, 28, 3);
    await writeCard(file('grey28.png'), 28, 28, 1);
    await writeJpegCard(file('photo.jpg'), 960, 720);
    await writeJpegCard(file('photo-rotated.jpg'), 960, 720, 6);
    const cases: Case[] = [];
    for (const resize of RESIZE_POLICIES) {
      cases.push({ name: `large JPEG (${resize})`, file: file('photo.jpg'), spec: { channels: 3, height: 28, width: 28, resize } });
      cases.push({ name: `large JPEG at 224 (${resize})`, file: file('photo.jpg'), spec: { channels: 3, height: 224, width: 224, resize } });
      cases.push({
        name: `large JPEG at 224, EXIF-rotated (${resize})`,
        file: file('photo-rotated.jpg'),
        spec: { channels: 3, height: 224, width: 224, resize },
      });
      cases.push({ name: `colour resized (${resize})`, file: file('rgb.png'), spec: { channels: 3, height: 28, width: 28, resize } });
      cases.push({ name: `grey resized (${resize})`, file: file('grey.png'), spec: { channels: 1, height: 28, width: 28, resize } });
      cases.push({ name: `transparent over white, resized (${resize})`, file: file('rgba.png'), spec: { channels: 3, height: 24, width: 32, resize } });
      cases.push({ name: `colour made grey, resized (${resize})`, file: file('rgb.png'), spec: { channels: 1, height: 28, width: 28, resize } });
    }
    cases.push({ name: 'colour at the model size', file: file('rgb28.png'), spec: { channels: 3, height: 28, width: 28, resize: 'stretch' } });
    cases.push({ name: 'grey at the model size', file: file('grey28.png'), spec: { channels: 1, height: 28, width: 28, resize: 'center-crop' } });
    const args = cases.map((c) => [c.file, c.spec.channels, c.spec.height, c.spec.width, c.spec.resize]);
    const pillow = JSON.parse(runPython(['probe.py', JSON.stringify(args)], project).stdout) as number[][];
    measured = await Promise.all(
      cases.map(async (c, k) => {
        const studio = await decodeImage(c.file, c.spec);
        const theirs = pillow[k]!;
        expect(theirs.length, c.name).toBe(studio.length);
        let maxDiff = 0;
        let overOne = 0;
        studio.forEach((v, i) => {
          const d = Math.abs(v - theirs[i]!);
          maxDiff = Math.max(maxDiff, d);
          if (d > 1) overOne++;
        });
        return { ...c, studio, pillow: theirs, maxDiff, overOne, count: studio.length };
      }),
    );
    console.log(measured.map((m) => `${m.name}: max ${m.maxDiff} levels, ${m.overOne}/${m.count} off by more than one`).join('\n'));
  }, 120_000);

  const get = (name: string) => measured.find((m) => m.name === name)!;

  it('images already at the model size and mode are read identically', () => {
    expect(get('colour at the model size').maxDiff).toBe(0);
    expect(get('grey at the model size').maxDiff).toBe(0);
  });

  // Every resized case but colour-to-grey: train.py repeats the edge pixels and, for crop and
  // letterbox, samples with sharp's one scale factor (without these: up to 4 levels on colour
  // letterbox and 9 on transparent images, from the border rows). What is left is rounding inside
  // the two resamplers: at most 2 levels (3 on the transparent center-crop), and few values over one.
  it.each(RESIZE_POLICIES.flatMap((resize) => [`colour resized (${resize})`, `grey resized (${resize})`, `transparent over white, resized (${resize})`]))(
    '%s: within 2 levels (3 for a transparent crop), under 5 percent of values off by more than one',
    (name) => {
      const m = get(name);
      expect(m.maxDiff, name).toBeLessThanOrEqual(name === 'transparent over white, resized (center-crop)' ? 3 : 2);
      expect(m.overOne / m.count, name).toBeLessThan(0.05);
    },
  );

  // sharp decodes these JPEGs at 1/2 or 1/8 scale inside libjpeg (shrink-on-load); train.py asks
  // Pillow for the same scaled decode (draft). Without it the 224 cases differed by up to 31 levels
  // on 79% of the values. The EXIF-rotated photo is shrunk too, sized against the turned model size.
  it.each(RESIZE_POLICIES.flatMap((resize) => [`large JPEG (${resize})`, `large JPEG at 224 (${resize})`, `large JPEG at 224, EXIF-rotated (${resize})`]))(
    '%s: decoded at the same scale, within 3 levels, under 2 percent of values off by more than one',
    (name) => {
      const m = get(name);
      expect(m.maxDiff, name).toBeLessThanOrEqual(3);
      expect(m.overOne / m.count, name).toBeLessThan(0.02);
    },
  );

  it('a colour image made grey differs (documented: Pillow luma against libvips luminance), and by how much is bounded', () => {
    for (const resize of RESIZE_POLICIES) {
      const m = get(`colour made grey, resized (${resize})`);
      expect(m.maxDiff, m.name).toBeGreaterThan(2);
      expect(m.maxDiff, m.name).toBeLessThanOrEqual(48);
    }
  });

  // Center-crop: libvips centres the window rounding half up ((37 - 28) / 2 -> 5); train.py's fit()
  // floored it (-> 4), a one-pixel shift (57 levels on the grey case), and now rounds the same way.
  it('center-crop takes the same window: no offset aligns the two better than none', () => {
    const m = get('grey resized (center-crop)');
    expect(bestShift(m.studio, m.pillow, m.spec.width, m.spec.height)).toEqual({ dx: 0, dy: 0 });
  });
});

/**
 * The shift (dx, dy) in -2..2 of Pillow's single-channel image against the studio's that gives the
 * smallest mean difference over the pixels both cover: (0, 0) when the two took the same window.
 */
function bestShift(studio: Uint8Array, pillow: readonly number[], width: number, height: number): { dx: number; dy: number } {
  let best = { dx: 0, dy: 0, mean: Infinity };
  for (let dy = -2; dy <= 2; dy++) {
    for (let dx = -2; dx <= 2; dx++) {
      let sum = 0;
      let n = 0;
      for (let y = Math.max(0, -dy); y < Math.min(height, height - dy); y++) {
        for (let x = Math.max(0, -dx); x < Math.min(width, width - dx); x++) {
          sum += Math.abs(studio[y * width + x]! - pillow[(y + dy) * width + x + dx]!);
          n++;
        }
      }
      if (sum / n < best.mean) best = { dx, dy, mean: sum / n };
    }
  }
  return { dx: best.dx, dy: best.dy };
}
