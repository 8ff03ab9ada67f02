import { writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../../../core/onnx/proto';
import { metadataProps } from '../../../core/onnx/metadata';
import { Predictor, topK } from '../../../main/inference/predict';
import { imageToTensor } from '../../../main/inference/preprocess';
import { loadFixture } from '../../helpers/fixture-onnx';
import { tempDir } from '../../helpers/temp-dir';

const dir = tempDir('cnn-predict-');

const CLASSES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
let modelPath = '';
const gray28 = new Uint8Array(28 * 28).map((_, i) => (i * 7) % 256);

beforeAll(async () => {
  // lenet5 from the fixtures, given the metadata an export would write.
  const model = decodeModel(new Uint8Array(readFileSync(loadFixture('lenet5').onnxPath)));
  model.metadata = metadataProps({
    modelName: 'lenet5',
    classNames: CLASSES,
    inputSize: [1, 28, 28],
    colorMode: 'grayscale',
    mean: [0.5],
    std: [0.25],
    studioVersion: 'test',
    resize: 'stretch',
  });
  modelPath = path.join(dir, 'lenet5.onnx');
  writeFileSync(modelPath, encodeModel(model));
  await sharp(Buffer.from(gray28), { raw: { width: 28, height: 28, channels: 1 } })
    .png()
    .toFile(path.join(dir, 'gray.png'));
  const rgba = Buffer.alloc(50 * 40 * 4).map((_, i) => (i * 13) % 256);
  await sharp(rgba, { raw: { width: 50, height: 40, channels: 4 } })
    .png()
    .toFile(path.join(dir, 'rgba.png'));
  await sharp(rgba, { raw: { width: 50, height: 40, channels: 4 } })
    .removeAlpha()
    .jpeg()
    .toFile(path.join(dir, 'photo.jpg'));
  writeFileSync(path.join(dir, 'broken.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
  writeFileSync(path.join(dir, 'notes.jpg'), 'not an image');
});

describe('image preprocessing', () => {
  it('a 28x28 grayscale PNG becomes (pixel/255 - mean)/std exactly', async () => {
    const out = new Float32Array(28 * 28);
    await imageToTensor(path.join(dir, 'gray.png'), { inputSize: [1, 28, 28], colorMode: 'grayscale', mean: [0.5], std: [0.25] }, out, 0);
    for (let i = 0; i < out.length; i++) expect(out[i]).toBeCloseTo((gray28[i]! / 255 - 0.5) / 0.25, 5);
  });

  it('resizes and converts RGBA to 3-channel RGB: transparency over white, channels in RGB order, planar', async () => {
    // A uniform half-transparent colour stays uniform under any resize: each channel is
    // c*a + 255*(1-a) (composited onto white), divided by 255.
    const [r, g, b, a] = [200, 100, 50, 128];
    const rgba = Buffer.alloc(50 * 40 * 4).map((_, i) => [r, g, b, a][i % 4]!);
    const file = path.join(dir, 'half-transparent.png');
    await sharp(rgba, { raw: { width: 50, height: 40, channels: 4 } })
      .png()
      .toFile(file);
    const out = new Float32Array(3 * 16 * 16);
    await imageToTensor(file, { inputSize: [3, 16, 16], colorMode: 'rgb', mean: [0, 0, 0], std: [1, 1, 1] }, out, 0);
    const alpha = a / 255;
    [r, g, b].forEach((c, ch) => {
      const want = (c * alpha + 255 * (1 - alpha)) / 255;
      for (let i = 0; i < 256; i++) expect(Math.abs(out[ch * 256 + i]! - want)).toBeLessThan(1.5 / 255);
    });
  });

  it('keeps left and right when it resizes (a red left half stays left)', async () => {
    const w = 60;
    const h = 30;
    const px = Buffer.alloc(w * h * 3).map((_, i) => {
      const x = Math.floor(i / 3) % w;
      return (i % 3 === 0 && x < w / 2) || (i % 3 === 2 && x >= w / 2) ? 255 : 0;
    });
    const file = path.join(dir, 'halves.png');
    await sharp(px, { raw: { width: w, height: h, channels: 3 } })
      .png()
      .toFile(file);
    const out = new Float32Array(3 * 8 * 8);
    await imageToTensor(file, { inputSize: [3, 8, 8], colorMode: 'rgb', mean: [0, 0, 0], std: [1, 1, 1], resize: 'stretch' }, out, 0);
    const at = (ch: number, y: number, x: number) => out[ch * 64 + y * 8 + x]!;
    for (let y = 0; y < 8; y++) {
      expect([at(0, y, 0), at(2, y, 0)]).toEqual([1, 0]);
      expect([at(0, y, 7), at(2, y, 7)]).toEqual([0, 1]);
    }
  });
});

describe('Predictor', () => {
  it('matches onnxruntime on the same tensor and names classes from metadata', async () => {
    const p = await Predictor.open(modelPath, { threads: 1 });
    try {
      expect(p.classNames).toEqual(CLASSES);
      const [res] = await p.predictFiles([path.join(dir, 'gray.png')], 3);
      expect(res && 'top' in res).toBe(true);
      if (!res || !('top' in res)) return;
      expect(res.top).toHaveLength(3);
      // Reference: the same normalisation by hand, the raw model, softmax in JS.
      const x = Float32Array.from(gray28, (v) => (v / 255 - 0.5) / 0.25);
      const s = await ort.InferenceSession.create(loadFixture('lenet5').onnxPath);
      const logits = (await s.run({ input: new ort.Tensor('float32', x, [1, 1, 28, 28]) })).logits!.data as Float32Array;
      await s.release();
      const e = logits.map((v) => Math.exp(v));
      const sum = e.reduce((a, b) => a + b, 0);
      const expected = topK(
        e.map((v) => v / sum),
        3,
        CLASSES,
      );
      expect(res.top.map((t) => t.label)).toEqual(expected.map((t) => t.label));
      res.top.forEach((t, i) => expect(t.probability).toBeCloseTo(expected[i]!.probability, 5));
    } finally {
      await p.close();
    }
  });

  it('reports unreadable images per file and still predicts the rest', async () => {
    const p = await Predictor.open(modelPath, { threads: 1, batchSize: 2 });
    try {
      const files = ['gray.png', 'broken.png', 'photo.jpg', 'notes.jpg', 'rgba.png'].map((f) => path.join(dir, f));
      const res = await p.predictFiles(files, 5);
      expect(res.map((r) => 'error' in r)).toEqual([false, true, false, true, false]);
      for (const r of res) {
        if ('error' in r) expect(r.error).toContain(r.file);
        else expect(r.top.reduce((a, t) => a + t.probability, 0)).toBeLessThanOrEqual(1.0001);
      }
    } finally {
      await p.close();
    }
  });
});
