/**
 * "Inside the model": the feature maps a conv layer produces for one image. The run's model.onnx
 * gets the chosen conv's output as an extra graph output and runs once in onnxruntime-node; each
 * channel becomes a small grayscale PNG, min-max scaled on its own so faint maps stay visible.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { StudioError, type ActivationMaps, type LayerInfo, type ModelLayers, type SampleImage } from '../../core/api';
import { convLayers as convNodes } from '../../core/explain/grad-cam';
import type { Model } from '../../core/onnx/ir';
import { readMetadata } from '../../core/onnx/metadata';
import { encodeModel } from '../../core/onnx/proto';
import { loadOnnxModel } from '../onnx/load-model';
import { imageToTensor } from '../inference/preprocess';
import { readRunJson } from '../trainer/index';
import { scanImageFolder } from '../data/index';
import { isImagePath, withUploadedFiles, type Upload } from './images';

const MAP_SIZE = 64;

async function loadRunModel(runDir: string): Promise<Model> {
  try {
    return (await loadOnnxModel(path.join(runDir, 'model.onnx'))).model;
  } catch (e) {
    throw new StudioError('not-found', `${path.basename(runDir)} has no exported model yet: ${(e as Error).message}`);
  }
}

/** Runs `model` with the given values as extra outputs on one input tensor. */
async function runWith(model: Model, values: string[], input: Float32Array): Promise<Record<string, ort.Tensor>> {
  const extra = values
    .filter((v) => !model.graph.outputs.some((o) => o.name === v))
    .map((name) => ({ name, dtype: 'float32' as const, shape: [], shapeKnown: false }));
  const m: Model = { ...model, graph: { ...model.graph, outputs: [...model.graph.outputs, ...extra] } };
  const session = await ort.InferenceSession.create(encodeModel(m), { intraOpNumThreads: 1, graphOptimizationLevel: 'basic' });
  try {
    const meta = readMetadata(model);
    const inits = new Set(model.graph.initializers.map((t) => t.name));
    const inputName = model.graph.inputs.find((i) => !inits.has(i.name))!.name;
    const out = await session.run({ [inputName]: new ort.Tensor('float32', input, [1, ...meta.inputSize]) }, values);
    return out as Record<string, ort.Tensor>;
  } finally {
    await session.release();
  }
}

export async function modelLayers(runDir: string): Promise<ModelLayers> {
  const [layers, sample] = await Promise.all([convLayers(runDir), sampleImage(runDir)]);
  return { layers, sample };
}

async function convLayers(runDir: string): Promise<LayerInfo[]> {
  const model = await loadRunModel(runDir);
  const convs = convNodes(model);
  if (convs.length === 0) return [];
  const meta = readMetadata(model);
  const [c, h, w] = meta.inputSize;
  // One run on a blank image gives every conv's output shape.
  const out = await runWith(
    model,
    convs.map((v) => v.value),
    new Float32Array(c * h * w),
  );
  return convs.map((v) => ({ name: v.name, shape: [...out[v.value]!.dims].slice(1).map(Number) }));
}

export async function activationMaps(runDir: string, layer: string, image: Upload, maxMaps: number): Promise<ActivationMaps> {
  const model = await loadRunModel(runDir);
  const conv = convNodes(model).find((n) => n.name === layer);
  if (!conv) throw new StudioError('not-found', `the model has no conv layer "${layer}"`);
  const meta = readMetadata(model);
  const [c, h, w] = meta.inputSize;
  const input = new Float32Array(c * h * w);
  await withUploadedFiles([image], async ([file]) => {
    try {
      await imageToTensor(file!, { inputSize: meta.inputSize, colorMode: meta.colorMode, mean: meta.mean, std: meta.std, resize: meta.resize }, input, 0);
    } catch (e) {
      throw new StudioError('not-an-image', `${image.name}: ${(e as Error).message}`);
    }
  });
  const t = (await runWith(model, [conv.value], input))[conv.value]!;
  const [, ch, mh, mw] = t.dims.map(Number) as [number, number, number, number];
  const data = t.data as Float32Array;
  const maps: string[] = [];
  for (let k = 0; k < Math.min(ch, maxMaps); k++) {
    const plane = data.subarray(k * mh * mw, (k + 1) * mh * mw);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of plane) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const px = Buffer.alloc(mh * mw);
    const span = hi - lo || 1;
    for (let i = 0; i < plane.length; i++) px[i] = Math.round(((plane[i]! - lo) / span) * 255);
    const png = await sharp(px, { raw: { width: mw, height: mh, channels: 1 } })
      .resize(MAP_SIZE, MAP_SIZE, { kernel: 'nearest', fit: 'fill' })
      .png()
      .toBuffer();
    maps.push(`data:image/png;base64,${png.toString('base64')}`);
  }
  return { layer, shape: [ch, mh, mw], maps };
}

/** Bigger files are not sent to the page as a sample (a dataset image rarely is). */
const MAX_SAMPLE_BYTES = 4 * 1024 * 1024;
const MIME: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.tif': 'image/tiff', '.tiff': 'image/tiff' };

/**
 * An image of the run's own data to open the panel with: a validation image the model classified
 * (kept with the run's evaluation, so no folder scan), else the first image the folder lists.
 * Null when the data folder is gone or holds no readable image of a sensible size.
 */
async function sampleImage(runDir: string): Promise<SampleImage | null> {
  const run = await readRunJson(runDir).catch(() => null);
  if (!run) return null;
  const kept = [...(run.evaluation?.leastConfidentCorrect ?? []), ...(run.evaluation?.misclassified ?? [])].map((m) => m.path);
  for (const file of kept.slice(0, 8)) {
    const s = await readSample(file);
    if (s) return s;
  }
  const scan = await scanImageFolder(run.data.root, { valSplit: 0 }).catch(() => null);
  const all = scan ? [...scan.splits.val, ...scan.splits.train] : [];
  for (const e of all.slice(0, 8)) {
    const s = await readSample(e.path);
    if (s) return s;
  }
  return null;
}

async function readSample(file: string): Promise<SampleImage | null> {
  if (!isImagePath(file)) return null;
  const st = await fs.stat(file).catch(() => null);
  if (!st?.isFile() || st.size > MAX_SAMPLE_BYTES) return null;
  const bytes = await fs.readFile(file).catch(() => null);
  if (!bytes) return null;
  const ext = path.extname(file).toLowerCase();
  return { name: path.basename(file), data: bytes.toString('base64'), mime: MIME[ext] ?? `image/${ext.slice(1)}` };
}
