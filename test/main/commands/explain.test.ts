/** `cnn-studio explain`: JSON, the overlay PNG, and the errors a person can fix. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx } from '../../../core/onnx/export';
import { encodeModel } from '../../../core/onnx/proto';
import { buildTemplate } from '../../../core/templates/index';
import { cli } from '../../helpers/cli-io';

describe('cnn-studio explain', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'cnn-explain-cli-'));
  const run = path.join(root, 'run');
  const image = path.join(root, 'cat.png');

  beforeAll(async () => {
    const doc = buildTemplate('lenet5', { input: [3, 32, 32], classes: 3 });
    const { model } = exportOnnx(doc, { classNames: ['cat', 'dog', 'fox'], seed: 3 });
    mkdirSync(run);
    writeFileSync(path.join(run, 'model.onnx'), encodeModel(model));
    const px = Buffer.alloc(20 * 30 * 3);
    for (let i = 0; i < px.length; i++) px[i] = (i * 37) % 251;
    await sharp(px, { raw: { width: 30, height: 20, channels: 3 } })
      .png()
      .toFile(image);
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('prints the class, layer, map and probabilities as JSON (defaults: last conv, predicted class)', async () => {
    const r = await cli('explain', run, image, '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { class: number; label: string; layer: string; heatmap: number[][]; probabilities: number[]; layers: string[] };
    expect(out.layer).toBe('conv2');
    expect(out.layers).toEqual(['conv1', 'conv2']);
    expect(out.heatmap.length).toBe(10);
    expect(out.heatmap.every((row) => row.length === 10 && row.every((v) => v >= 0))).toBe(true);
    const best = out.probabilities.indexOf(Math.max(...out.probabilities));
    expect(out.class).toBe(best);
    expect(out.label).toBe(['cat', 'dog', 'fox'][best]);
  });

  it('explains a chosen class at a chosen layer and writes the overlay', async () => {
    const png = path.join(root, 'overlay.png');
    const r = await cli('explain', path.join(run, 'model.onnx'), image, '--layer', 'conv1', '--class', '2', '-o', png);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/class 2 \(fox, [\d.]+%\), layer conv1, map 28x28/);
    const meta = await sharp(png).metadata();
    expect([meta.width, meta.height, meta.format]).toEqual([256, 256, 'png']);
  });

  it('refuses an unknown layer, naming the valid ones', async () => {
    const r = await cli('explain', run, image, '--layer', 'conv7');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no layer "conv7"; its conv layers are: conv1, conv2/);
  });

  it('refuses a layer that is not a conv layer', async () => {
    const r = await cli('explain', run, image, '--layer', 'fc2');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/"fc2" is a Gemm layer, not a conv layer/);
  });

  it('refuses a class out of range or not a number', async () => {
    expect((await cli('explain', run, image, '--class', '3')).err).toMatch(/class 3 is out of range: the model has 3 classes \(0 to 2\)/);
    expect((await cli('explain', run, image, '--class', 'dog')).err).toMatch(/--class: "dog" is not a class index/);
  });

  it('says which image could not be read', async () => {
    const r = await cli('explain', run, path.join(root, 'missing.png'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/missing\.png: cannot read the image \(no such file\)/);
    expect(r.err).not.toMatch(/ENOENT/);
  });
});
