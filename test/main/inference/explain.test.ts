/**
 * Grad-CAM from the studio's own autodiff equals Grad-CAM computed with PyTorch hooks
 * (grad-cam-torch.py) on the export-pytorch project of the same model and weights, fed the same
 * preprocessed tensor: same class, probabilities and heatmap at the layer's resolution.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convLayers } from '../../../core/explain/grad-cam';
import { exportPytorch } from '../../../core/export-pytorch/index';
import { analyze } from '../../../core/graph/analyze';
import { initWeight, seededRandom } from '../../../core/graph/init';
import type { ModelDocument } from '../../../core/graph/types';
import type { Model } from '../../../core/onnx/ir';
import { exportOnnx } from '../../../core/onnx/export';
import { readMetadata } from '../../../core/onnx/metadata';
import { encodeModel } from '../../../core/onnx/proto';
import { buildTemplate } from '../../../core/templates/index';
import { explainImage, type Explanation } from '../../../main/inference/explain';
import { imageToTensor } from '../../../main/inference/preprocess';
import { loadOnnxModel } from '../../../main/onnx/load-model';
import { runPython, TEST_RECIPE, torchMissing, writeFiles } from '../../helpers/python-torch';

const missing = torchMissing();
if (missing) console.warn(`skipping the Grad-CAM PyTorch comparison: ${missing}`);

interface Case {
  id: string;
  doc: () => ModelDocument;
  layer?: string;
  classIndex?: number;
}

const CASES: Case[] = [
  { id: 'lenet-last-predicted', doc: () => buildTemplate('lenet5', { input: [1, 32, 32], classes: 4 }) },
  { id: 'lenet-conv1-class2', doc: () => buildTemplate('lenet5', { input: [1, 32, 32], classes: 4 }), layer: 'conv1', classIndex: 2 },
  { id: 'resnet18-last', doc: () => buildTemplate('resnet18', { input: [3, 64, 64], classes: 3 }) },
  { id: 'resnet18-layer1', doc: () => buildTemplate('resnet18', { input: [3, 64, 64], classes: 3 }), layer: 'layer1.0.conv1', classIndex: 1 },
];

/** Seeded weights, with batch norm statistics away from 0 and 1 so that they matter. */
function randomWeights(doc: ModelDocument, seed: number): Map<string, Float32Array> {
  const random = seededRandom(seed);
  const out = new Map<string, Float32Array>();
  for (const w of analyze(doc).graph.weights) {
    const v = initWeight(w, random);
    if (/\.running_var$/.test(w.name)) for (let i = 0; i < v.length; i++) v[i] = 0.5 + random();
    if (/\.running_mean$/.test(w.name)) for (let i = 0; i < v.length; i++) v[i] = 0.2 * (random() - 0.5);
    out.set(w.name, v);
  }
  return out;
}

/** A seeded noisy gradient image of an odd size, so the resize matters. */
async function writeImage(file: string, seed: number): Promise<void> {
  const random = seededRandom(seed);
  const [w, h] = [45, 38];
  const px = Buffer.alloc(w * h * 3);
  for (let i = 0; i < w * h; i++) for (let c = 0; c < 3; c++) px[i * 3 + c] = Math.min(255, Math.round(((i % w) / w) * 160 + random() * 95 + c * 10));
  await sharp(px, { raw: { width: w, height: h, channels: 3 } })
    .png()
    .toFile(file);
}

/** The PyTorch module a conv layer lives in: its weight's state dict prefix. */
function moduleOf(model: Model, layer: string | undefined): string {
  const convs = convLayers(model);
  const value = (layer === undefined ? convs[convs.length - 1] : convs.find((c) => c.name === layer))!.value;
  const node = model.graph.nodes.find((n) => n.outputs[0] === value)!;
  return node.inputs[1]!.replace(/\.weight$/, '');
}

interface TorchCam {
  class: number;
  heatmap: number[][];
  probabilities: number[];
}

describe.skipIf(missing !== null)('Grad-CAM: the studio autodiff agrees with PyTorch hooks', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'cnn-gradcam-'));
  const ours = new Map<string, Explanation>();
  const theirs = new Map<string, TorchCam>();

  beforeAll(async () => {
    const jobs: object[] = [];
    const image = path.join(root, 'image.png');
    await writeImage(image, 7);
    for (const [i, c] of CASES.entries()) {
      const doc = c.doc();
      const weights = randomWeights(doc, i + 1);
      const dir = path.join(root, c.id);
      writeFiles(dir, exportPytorch(doc, { projectName: c.id, recipe: TEST_RECIPE, weights }).files);
      const channels = analyze(doc).graph.nodes.find((n) => n.type === 'input')!.outShapes[0]![0]!;
      const mean = channels === 1 ? [0.45] : [0.485, 0.456, 0.406];
      const std = channels === 1 ? [0.25] : [0.229, 0.224, 0.225];
      const classes = c.id.startsWith('lenet') ? 4 : 3;
      const classNames = Array.from({ length: classes }, (_, k) => `c${k}`);
      const onnxFile = path.join(dir, 'model.onnx');
      writeFileSync(onnxFile, encodeModel(exportOnnx(doc, { weights, classNames, mean, std, colorMode: channels === 1 ? 'grayscale' : 'rgb' }).model));
      const model = (await loadOnnxModel(onnxFile)).model;
      ours.set(
        c.id,
        await explainImage(model, image, { ...(c.layer ? { layer: c.layer } : {}), ...(c.classIndex === undefined ? {} : { classIndex: c.classIndex }) }),
      );
      // The same preprocessed tensor goes to PyTorch.
      const meta = readMetadata(model);
      const x = new Float32Array(meta.inputSize.reduce((a, b) => a * b, 1));
      await imageToTensor(image, { inputSize: meta.inputSize, colorMode: meta.colorMode, mean: meta.mean, std: meta.std, resize: meta.resize }, x, 0);
      const input = path.join(dir, 'input.bin');
      writeFileSync(input, new Uint8Array(x.buffer));
      jobs.push({
        dir,
        input,
        shape: [1, ...meta.inputSize],
        module: moduleOf(model, c.layer),
        class: c.classIndex ?? null,
        output: path.join(dir, 'cam.json'),
      });
    }
    writeFileSync(path.join(root, 'jobs.json'), JSON.stringify(jobs));
    runPython([path.join(__dirname, 'grad-cam-torch.py'), 'jobs.json'], root, 240_000);
    for (const c of CASES) theirs.set(c.id, JSON.parse(readFileSync(path.join(root, c.id, 'cam.json'), 'utf8')) as TorchCam);
  }, 300_000);

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each(CASES.map((c) => c.id))('%s: same class, probabilities and heatmap', (id) => {
    const a = ours.get(id)!;
    const b = theirs.get(id)!;
    expect(a.class).toBe(b.class);
    expect(a.heatmap.length).toBe(b.heatmap.length);
    expect(a.heatmap[0]!.length).toBe(b.heatmap[0]!.length);
    for (let k = 0; k < b.probabilities.length; k++) expect(a.probabilities[k]).toBeCloseTo(b.probabilities[k]!, 5);
    const flatA = a.heatmap.flat();
    const flatB = b.heatmap.flat();
    const scale = Math.max(...flatB);
    // A map that is all zeros would compare equal without testing anything.
    expect(scale).toBeGreaterThan(0);
    const err = Math.max(...flatA.map((v, i) => Math.abs(v - flatB[i]!)));
    console.log(`${id}: map ${b.heatmap.length}x${b.heatmap[0]!.length}, max |difference| ${err.toExponential(2)} of max ${scale.toPrecision(3)}`);
    expect(err).toBeLessThan(1e-4 * scale);
  });
});
