/** The explainImage, lrFind and lrFindCancel backend methods, through backend.call (payload validation included). */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExplainView, LrFindView } from '../../../core/api';
import { exportOnnx } from '../../../core/onnx/export';
import { encodeModel } from '../../../core/onnx/proto';
import type { Backend } from '../../../main/backend';
import { buildTemplate } from '../../../core/templates/index';
import { DEFAULT_TRAIN_INPUT } from '../../../core/train-defaults';
import { testBackend } from '../../helpers/test-backend';
import { makeDataset, tinyProject, workerScript } from '../../helpers/trainer-fixtures';
import { tempDir } from '../../helpers/temp-dir';

describe('explainImage (backend)', () => {
  const dir = tempDir('cnn-explain-backend-');
  const onnxPath = path.join(dir, 'model.onnx');
  const image = path.join(dir, 'photo.png');
  const backend = testBackend({ studioHome: dir });

  beforeAll(async () => {
    const { model } = exportOnnx(buildTemplate('lenet5', { input: [1, 32, 32], classes: 2 }), { classNames: ['no', 'yes'], seed: 2 });
    writeFileSync(onnxPath, encodeModel(model));
    const px = Buffer.from(Array.from({ length: 24 * 24 }, (_, i) => (i * 13) % 256));
    await sharp(px, { raw: { width: 24, height: 24, channels: 1 } })
      .png()
      .toFile(image);
  });

  it('explains an upload and the same file by path alike', async () => {
    const upload = { name: 'photo.png', data: readFileSync(image).toString('base64') };
    const a = (await backend.call('explainImage', { source: { onnxPath }, image: { upload } })) as ExplainView;
    const b = (await backend.call('explainImage', { source: { onnxPath }, image: { path: image } })) as ExplainView;
    expect(a.layers).toEqual(['conv1', 'conv2']);
    expect(a.layer).toBe('conv2');
    expect(a.overlay).toMatch(/^data:image\/png;base64,/);
    expect(a.heatmap).toEqual(b.heatmap);
    expect(a.class).toBe(b.class);
  });

  it('takes a layer and a class, and says what is wrong with them', async () => {
    const r = (await backend.call('explainImage', { source: { onnxPath }, image: { path: image }, layer: 'conv1', classIndex: 1 })) as ExplainView;
    expect([r.layer, r.class, r.label, r.heatmap.length]).toEqual(['conv1', 1, 'yes', 28]);
    await expect(backend.call('explainImage', { source: { onnxPath }, image: { path: image }, layer: 'fc1' })).rejects.toThrow(
      /"fc1" is a Gemm layer, not a conv layer/,
    );
    await expect(backend.call('explainImage', { source: { onnxPath }, image: { path: image }, classIndex: 2 })).rejects.toThrow(/class 2 is out of range/);
  });

  it('refuses an unreadable image by its name, and a bad payload', async () => {
    await expect(
      backend.call('explainImage', { source: { onnxPath }, image: { upload: { name: 'notes.png', data: Buffer.from('hello').toString('base64') } } }),
    ).rejects.toThrow(/notes\.png: cannot read the image/);
    await expect(backend.call('explainImage', { source: { onnxPath }, image: {} })).rejects.toThrow();
    await expect(backend.call('explainImage', { source: { onnxPath: path.join(dir, 'none.onnx') }, image: { path: image } })).rejects.toThrow(
      /none\.onnx: no such model file/,
    );
  });
});

describe('lrFind (backend)', () => {
  let data = '';
  const home = tempDir('cnn-lrfind-backend-');
  let backend: Backend;
  const settings = { ...DEFAULT_TRAIN_INPUT, batchSize: 8 };

  beforeAll(async () => {
    // The sweep runs in the trainer host (a worker thread here), from the worker entry built for the tests.
    backend = testBackend({ studioHome: home, trainStart: { workerScript: await workerScript() } });
    data = await makeDataset(path.join(home, 'data'), { perClass: 16 });
  });

  it('returns the curve and a suggestion for the Train tab settings', async () => {
    const r = (await backend.call('lrFind', { project: tinyProject(8), dataDir: data, settings, steps: 40 })) as LrFindView;
    expect(r.curve.length).toBeGreaterThan(10);
    expect(r.batchSize).toBe(8);
    expect(['end', 'diverged']).toContain(r.stopped);
  });

  it('is cancelled by lrFindCancel and refuses a second search meanwhile', async () => {
    const first = backend.call('lrFind', { project: tinyProject(8), dataDir: data, settings, steps: 1000 }) as Promise<LrFindView>;
    // Give the first request time to pass its folder check, so the probes below cannot overtake it.
    await new Promise((r) => setTimeout(r, 100));
    // As soon as the first search runs, a second is refused; then cancel it (long before step 1000).
    const second = async () =>
      backend.call('lrFind', { project: tinyProject(8), dataDir: data, settings, steps: 5 }).then(
        () => 'ran',
        (e: Error) => e.message,
      );
    await expect.poll(second, { interval: 20, timeout: 10_000 }).toMatch(/already running/);
    expect(await backend.call('lrFindCancel', {})).toEqual({ cancelled: true });
    const r = await first;
    expect(r.stopped).toBe('cancelled');
    expect(r.curve.length).toBeLessThan(1000);
    expect(await backend.call('lrFindCancel', {})).toEqual({ cancelled: false });
  });

  it('refuses a missing folder', async () => {
    await expect(backend.call('lrFind', { project: tinyProject(8), dataDir: path.join(home, 'nope'), settings })).rejects.toThrow(/nope: no such folder/);
  });
});
