/**
 * Grad-CAM for the studio's panels (Try it, the Evaluate drill-down): one image, uploaded or a
 * file such as a dataset image, under a run's model.onnx or any ONNX file; the map and an
 * overlay PNG as a data: URL. Errors a person can fix come back as StudioError.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { StudioError, type ExplainView } from '../../core/api';
import { ExplainError } from '../../core/explain/grad-cam';
import type { Model } from '../../core/onnx/ir';
import { readMetadata } from '../../core/onnx/metadata';
import { explainImage, overlayPng, type ExplainRequest } from '../inference/explain';
import { ImageDecodeError } from '../inference/preprocess';
import { loadOnnxModel } from '../onnx/load-model';
import { withUploadedFiles, type Upload } from './images';

export type ExplainImageSource = { upload: Upload } | { path: string };

async function loadModel(modelPath: string): Promise<Model> {
  if (!existsSync(modelPath)) throw new StudioError('not-found', `${modelPath}: no such model file`);
  try {
    return (await loadOnnxModel(modelPath)).model;
  } catch (e) {
    throw new StudioError('invalid-model', `${path.basename(modelPath)}: ${(e as Error).message}`);
  }
}

async function explainFile(model: Model, file: string, shownName: string, req: ExplainRequest): Promise<ExplainView> {
  try {
    const r = await explainImage(model, file, req);
    const png = await overlayPng(file, readMetadata(model), r.heatmap);
    return { ...r, overlay: `data:image/png;base64,${png.toString('base64')}` };
  } catch (e) {
    if (e instanceof ExplainError) throw new StudioError('bad-request', e.message);
    if (e instanceof ImageDecodeError) throw new StudioError('not-an-image', e.message.replace(file, shownName));
    throw e;
  }
}

export async function explainView(modelPath: string, image: ExplainImageSource, req: ExplainRequest): Promise<ExplainView> {
  const model = await loadModel(modelPath);
  if ('path' in image) return explainFile(model, image.path, image.path, req);
  return withUploadedFiles([image.upload], ([file]) => explainFile(model, file!, image.upload.name, req));
}
