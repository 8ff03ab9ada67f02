/**
 * Grad-CAM for one image in onnxruntime-node: the gradient graph comes from core/explain
 * (the studio's own autodiff), the preprocessing from the model's metadata (the same decode the
 * trainer and predict use), and the overlay is drawn over the pixels the model saw.
 */
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { buildGradCamGraph, classSeed, convLayers, gradCamHeatmap, softmax, type GradCamGraph } from '../../core/explain/grad-cam';
import { blendOverlay, overlayScale } from '../../core/explain/overlay';
import type { Model } from '../../core/onnx/ir';
import { readMetadata, type ModelMetadata } from '../../core/onnx/metadata';
import { encodeModel } from '../../core/onnx/proto';
import { decodeImage } from '../data/decode';
import { imageToTensor } from './preprocess';

export interface Explanation {
  /** The explained class (default: the predicted one) and its name. */
  class: number;
  label: string;
  layer: string;
  /** ReLU(sum_c alpha_c A_c) at the layer's resolution, rows top to bottom, not normalised. */
  heatmap: number[][];
  probabilities: number[];
  classes: string[];
  /** Every conv layer the model offers, first to last (the layer picker's list). */
  layers: string[];
}

export interface ExplainRequest {
  layer?: string;
  classIndex?: number;
}

/** Runs the Grad-CAM graph once for class `k` on one preprocessed image. */
async function runGradCam(session: ort.InferenceSession, cam: GradCamGraph, input: Float32Array, k: number, size: readonly number[]) {
  const feeds = {
    [cam.input]: new ort.Tensor('float32', input, [1, ...size]),
    [cam.seed]: new ort.Tensor('float32', classSeed(k, cam.classes), [1, cam.classes]),
  };
  const out = await session.run(feeds, [cam.activation, cam.gradient, cam.logits]);
  return {
    activation: out[cam.activation]!.data as Float32Array,
    gradient: out[cam.gradient]!.data as Float32Array,
    logits: out[cam.logits]!.data as Float32Array,
  };
}

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/**
 * Grad-CAM of `file` under `model`. Errors: ExplainError for a layer or class the person can fix,
 * ImageDecodeError for an unreadable image.
 */
export async function explainImage(model: Model, file: string, req: ExplainRequest = {}): Promise<Explanation> {
  const meta = readMetadata(model);
  const cam = buildGradCamGraph(model, req.layer);
  if (req.classIndex !== undefined) classSeed(req.classIndex, cam.classes); // range check before any work
  const size = meta.inputSize;
  const input = new Float32Array(size[0] * size[1] * size[2]);
  await imageToTensor(file, { inputSize: size, colorMode: meta.colorMode, mean: meta.mean, std: meta.std, resize: meta.resize }, input, 0);
  const session = await ort.InferenceSession.create(encodeModel(cam.model), { intraOpNumThreads: 1, graphOptimizationLevel: 'basic' });
  try {
    // The predicted class needs the logits first; the seed of that first run only matters for k.
    let k = req.classIndex ?? 0;
    let run = await runGradCam(session, cam, input, k, size);
    if (req.classIndex === undefined && argmax(run.logits) !== k) {
      k = argmax(run.logits);
      run = await runGradCam(session, cam, input, k, size);
    }
    return {
      class: k,
      label: meta.classNames[k] ?? `class ${k}`,
      layer: cam.layer.name,
      heatmap: gradCamHeatmap(run.activation, run.gradient, cam.layerShape),
      probabilities: softmax(run.logits),
      classes: Array.from({ length: cam.classes }, (_, i) => meta.classNames[i] ?? `class ${i}`),
      layers: convLayers(model).map((c) => c.name),
    };
  } finally {
    await session.release();
  }
}

/** A PNG of the image as the model saw it (its resize policy, in colour) with the map on top. */
export async function overlayPng(file: string, meta: Pick<ModelMetadata, 'inputSize' | 'resize'>, heatmap: number[][]): Promise<Buffer> {
  const [, h, w] = meta.inputSize;
  const pixels = await decodeImage(file, { channels: 3, height: h, width: w, resize: meta.resize });
  const scale = overlayScale(h, w);
  const rgb = blendOverlay(pixels, h, w, heatmap, scale);
  return sharp(rgb, { raw: { width: w * scale, height: h * scale, channels: 3 } })
    .png()
    .toBuffer();
}
