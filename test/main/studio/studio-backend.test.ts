/**
 * The studio's training/evaluation/export methods through Backend.call (the carriers' entry point,
 * so payload validation is exercised too): scan a generated folder, train 2 epochs (inline), list
 * the run, evaluate, predict, activation maps, export ONNX (loaded back in onnxruntime-node) and
 * PyTorch.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../../main/backend';
import { projectCodec } from '../../../main/project-codec';
import type { RunView, TrainSettingsInput } from '../../../core/api';
import { makeDataset, tinyProject } from '../../helpers/trainer-fixtures';
import { checkpointLogits, logitsAgree } from '../../helpers/checkpoint-logits';
import { tempDir } from '../../helpers/temp-dir';

const SETTINGS: TrainSettingsInput = {
  epochs: 2,
  batchSize: 8,
  optimizer: 'adamw',
  lr: 0.01,
  schedule: 'constant',
  weightDecay: 0,
  labelSmoothing: 0,
  augment: false,
  device: 'cpu',
  valSplit: 0.25,
  seed: 0,
};

let backend: Backend;
let home: string;
let data: string;
let run: RunView;

async function png(file: string): Promise<string> {
  return (await fs.readFile(file)).toString('base64');
}

beforeAll(async () => {
  home = tempDir('studio-home-');
  data = await makeDataset(path.join(tempDir('studio-data-'), 'data'), { perClass: 12, corruptPerClass: 1 });
  backend = new Backend({ host: 'test', codec: projectCodec, studioHome: home, trainStart: { mode: 'inline' }, trainThreads: 1 });
});

afterAll(async () => {
  await backend.close();
});

describe('studio backend', () => {
  it('finds the bundled sample (project + image folder with a licence)', async () => {
    const s = await backend.call('studioSample', {});
    expect(s).not.toBeNull();
    expect(existsSync(path.join(s!.dataDir, 'LICENSE'))).toBe(true);
    const scan = await backend.call('scanDataset', { path: s!.dataDir });
    expect(scan.classes).toHaveLength(10);
    expect(scan.total).toBe(1200);
    expect(scan.classes[0]!.train + scan.classes[0]!.val + scan.classes[0]!.test).toBe(120);
    expect(scan.corrupt).toEqual([]);
    expect(scan.sample).toEqual({ width: 28, height: 28, channels: 1 });
  }, 60_000);

  it('scans a dataset: classes, counts, thumbnails, corrupt files by name, sample size', async () => {
    const s = await backend.call('scanDataset', { path: data });
    expect(s.classes.map((c) => c.name)).toEqual(['bottom', 'top']);
    expect(s.classes[0]!.train + s.classes[0]!.val).toBe(12);
    expect(s.classes[0]!.thumbs.length).toBeGreaterThan(0);
    expect(s.classes[0]!.thumbs[0]).toMatch(/^data:image\/png;base64,/);
    expect(s.corrupt.map((c) => path.basename(c.path))).toEqual(['000.png', '000.png']);
    expect(s.sample).toEqual({ width: 8, height: 8, channels: 1 });
  });

  it('refuses a missing folder and bad payloads with messages naming them', async () => {
    await expect(backend.call('scanDataset', { path: path.join(home, 'nope') })).rejects.toThrow(/nope/);
    await expect(backend.call('trainControl', { runId: '../etc', action: 'stop' })).rejects.toThrow(/runId/);
    await expect(backend.call('trainStart', { project: {}, dataDir: data, settings: { ...SETTINGS, epochs: 0 } })).rejects.toThrow(/epochs/);
  });

  it('trains 2 epochs, pushing run events until done', async () => {
    const seen: RunView[] = [];
    const off = backend.on('run', (v) => seen.push(v));
    const started = await backend.call('trainStart', { project: tinyProject(8), dataDir: data, settings: SETTINGS });
    expect(started.status).toBe('starting');
    run = await new Promise<RunView>((resolve) => {
      const wait = backend.on('run', (v) => {
        if (v.status === 'done' || v.status === 'failed') {
          wait();
          resolve(v);
        }
      });
    });
    off();
    expect(run.error).toBeNull();
    expect(run.status).toBe('done');
    expect(run.history).toHaveLength(2);
    expect(run.hasModel).toBe(true);
    expect(seen.some((v) => v.status === 'running')).toBe(true);
    const runs = await backend.call('listRuns', {});
    expect(runs.map((r) => r.id)).toContain(run.id);
  }, 120_000);

  it('lists runs from disk for a fresh backend (a reloaded page / restarted server)', async () => {
    const other = new Backend({ host: 'test', codec: projectCodec, studioHome: home });
    const runs = await other.call('listRuns', {});
    const r = runs.find((x) => x.id === run.id)!;
    expect(r.status).toBe('done');
    expect(r.history).toHaveLength(2);
    expect(r.settings.epochs).toBe(2);
  });

  it('evaluates: confusion matrix, per-class metrics, thumbnails of mistakes', async () => {
    const e = await backend.call('evaluateRun', { runId: run.id });
    expect(e.confusion).toHaveLength(2);
    // The held-out validation images (a quarter of each class's readable images), not all of them.
    expect(e.split).toBe('val');
    expect(e.samples).toBeLessThan(12);
    const all = await backend.call('evaluateRun', { runId: run.id, dataDir: data });
    expect(all.samples).toBe(22);
    expect(e.perClass.map((c) => c.class)).toEqual(['bottom', 'top']);
    for (const m of e.misclassified.slice(0, 5)) expect(e.thumbs[m.path]).toMatch(/^data:image\/png/);
  }, 60_000);

  it('answers with the evaluation the run kept when it ended (no new pass over the images)', async () => {
    const kept = await backend.call('evaluateRun', { runId: run.id, kept: true });
    const json = JSON.parse(await fs.readFile(path.join(home, 'runs', run.id, 'run.json'), 'utf8')) as {
      evaluation: { confusion: number[][]; samples: number };
    };
    expect(kept.split).toBe('val');
    expect(kept.confusion).toEqual(json.evaluation.confusion);
    expect(kept.samples).toBe(json.evaluation.samples);
    // A run from before evaluations were kept is evaluated on demand.
    const old = { ...JSON.parse(await fs.readFile(path.join(home, 'runs', run.id, 'run.json'), 'utf8')), evaluation: null };
    const oldId = `${run.id}-old`;
    await fs.cp(path.join(home, 'runs', run.id), path.join(home, 'runs', oldId), { recursive: true });
    await fs.writeFile(path.join(home, 'runs', oldId, 'run.json'), JSON.stringify(old));
    const computed = await backend.call('evaluateRun', { runId: oldId, kept: true });
    // (a folder of classes keeps no list of its held-out images: every readable image is scored)
    expect(computed.split).toBe('train');
    expect(computed.samples).toBe(22);
  }, 60_000);

  it('predicts top-k for uploaded images, and names a non-image', async () => {
    const img = await png(path.join(data, 'top', '005.png'));
    const r = await backend.call('predict', { source: { runId: run.id }, images: [{ name: 'a.png', data: img }], k: 2 });
    expect(r[0]!.top).toHaveLength(2);
    expect(r[0]!.top[0]!.probability).toBeGreaterThan(0);
    const only = await backend.call('predict', { source: { runId: run.id }, images: [{ name: 'x.txt', data: 'aGk=' }] });
    expect(only).toEqual([{ name: 'x.txt', top: [], error: expect.stringMatching(/^x\.txt: not an image file/) }]);
  });

  it('reports each unreadable image among several by name and still classifies the others', async () => {
    const good = await png(path.join(data, 'top', '005.png'));
    const images = [
      { name: 'first.png', data: good },
      { name: 'notes.txt', data: 'aGk=' },
      { name: 'broken.png', data: await png(path.join(data, 'top', '000.png')) },
      { name: 'last.png', data: await png(path.join(data, 'bottom', '004.png')) },
    ];
    const r = await backend.call('predict', { source: { runId: run.id }, images, k: 2 });
    expect(r.map((x) => x.name)).toEqual(['first.png', 'notes.txt', 'broken.png', 'last.png']);
    expect(r[1]!.error).toMatch(/^notes\.txt: not an image file/);
    expect(r[2]!.error).toMatch(/broken\.png/);
    expect(r[2]!.error).not.toMatch(/cnn-studio-upload-/);
    for (const ok of [r[0]!, r[3]!]) {
      expect(ok.error).toBeNull();
      expect(ok.top).toHaveLength(2);
    }
  });

  it("shows activation maps of a conv layer, named as the block, with a sample image of the run's data", async () => {
    const { layers, sample } = await backend.call('modelLayers', { runId: run.id });
    expect(layers.map((l) => l.name)).toEqual(['conv1']);
    expect(layers[0]!.shape).toEqual([4, 8, 8]);
    // A validation image the run kept (a readable PNG of the data folder), ready to send back.
    expect(sample).not.toBeNull();
    expect(sample!.mime).toBe('image/png');
    expect(sample!.name).toMatch(/^\d{3}\.png$/);
    const a = await backend.call('activations', { runId: run.id, layer: layers[0]!.name, image: { name: sample!.name, data: sample!.data } });
    expect(a.maps).toHaveLength(4);
    const b = await backend.call('activations', {
      runId: run.id,
      layer: 'conv1',
      image: { name: 'a.png', data: await png(path.join(data, 'top', '003.png')) },
    });
    expect(b.maps).toHaveLength(4);
    await expect(backend.call('activations', { runId: run.id, layer: 'conv1/Conv', image: { name: sample!.name, data: sample!.data } })).rejects.toThrow(
      /no conv layer "conv1\/Conv"/,
    );
  });

  it('exports ONNX (opset, metadata) that onnxruntime-node loads, and a PyTorch project', async () => {
    const out = path.join(home, 'model.onnx');
    const r = await backend.call('exportRunOnnx', { runId: run.id, checkpoint: 'best', opset: 13, path: out, description: 'test model', author: 'me' });
    expect(r.bytes).toBeGreaterThan(100);
    // The deploy report beside it: fp32 and int8 of the run, measured on its held-out images.
    expect(r.report?.rows.map((x) => x.precision)).toEqual(['fp32', 'int8']);
    expect(JSON.parse(await fs.readFile(`${out}.report.json`, 'utf8'))).toMatchObject({ file: 'model.onnx', precision: 'fp32' });
    const q = await backend.call('exportRunOnnx', {
      runId: run.id,
      checkpoint: 'best',
      opset: 13,
      path: path.join(home, 'model.int8.onnx'),
      precision: 'int8',
    });
    expect(q.report).toMatchObject({ precision: 'int8', calibration: { method: 'minmax' } });
    // The exported file computes what the trained checkpoint computes: its logits on varied inputs
    // equal the training-side eval graph's, fed the best checkpoint's weights and statistics.
    const images = Float32Array.from({ length: 3 * 64 }, (_, i) => Math.sin(i * 0.37) * 2);
    const exported = await ort.InferenceSession.create(out);
    const got = (await exported.run({ [exported.inputNames[0]!]: new ort.Tensor('float32', images, [3, 1, 8, 8]) }))[exported.outputNames[0]!]!
      .data as Float32Array;
    await exported.release();
    expect(logitsAgree(got, await checkpointLogits(path.join(backend.runsRoot(), run.id), images, 3))).toBeNull();
    const opened = await backend.call('openOnnx', { path: out });
    expect(opened.project.model.nodes.some((n) => n.type === 'conv2d')).toBe(true);
    await expect(backend.call('openOnnx', { path: path.join(data, 'top', '001.png') })).rejects.toThrow(/001\.png/);
    const py = await backend.call('exportRunPytorch', { runId: run.id, checkpoint: 'last', dir: path.join(home, 'py') });
    expect(py.files).toContain('model.py');
    expect(existsSync(path.join(home, 'py', 'train.py'))).toBe(true);
    const fresh = await backend.call('exportProjectPytorch', { project: tinyProject(8), settings: SETTINGS, dir: path.join(home, 'py2') });
    expect(fresh.files).toContain('train.py');
    expect(await fs.readFile(path.join(home, 'py2', 'train.py'), 'utf8')).toMatch(/epochs/);
  });
});
