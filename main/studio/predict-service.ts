/**
 * "Try it": top-k classes for images the page sends, with a run's model.onnx or any ONNX file.
 * The predictor reads the model's stored preprocessing (size, colour, mean/std) from its metadata.
 * One unreadable image (a text file, a truncated PNG) is reported by name in its own result; the
 * others are still classified.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { StudioError, type PredictResult } from '../../core/api';
import { Predictor } from '../inference/predict';
import { uploadProblem, withUploadedFiles, type Upload } from './images';

export async function predictImages(modelPath: string, images: readonly Upload[], k: number): Promise<PredictResult[]> {
  if (!existsSync(modelPath)) throw new StudioError('not-found', `${modelPath}: no such model file`);
  const refused = images.map(uploadProblem);
  const readable = images.filter((_, i) => refused[i] === null);
  const predicted = readable.length > 0 ? await classify(modelPath, readable, k) : [];
  // Back into the order the images came in: each refused one in its place, with its reason.
  let next = 0;
  return images.map((u, i) => {
    const why = refused[i] ?? null;
    return why !== null ? { name: u.name, top: [], error: why } : predicted[next++]!;
  });
}

async function classify(modelPath: string, images: readonly Upload[], k: number): Promise<PredictResult[]> {
  let predictor: Predictor;
  try {
    predictor = await Predictor.open(modelPath, { threads: 1 });
  } catch (e) {
    throw new StudioError('invalid-model', `${path.basename(modelPath)}: ${(e as Error).message}`);
  }
  try {
    return await withUploadedFiles(images, async (files) => {
      const preds = await predictor.predictFiles(files, k);
      return preds.map((p, i) => ({
        name: images[i]!.name,
        top: 'top' in p ? p.top.map((t) => ({ label: t.label, probability: t.probability })) : [],
        error: 'error' in p ? p.error.replace(p.file, images[i]!.name) : null,
      }));
    });
  } finally {
    await predictor.close();
  }
}
