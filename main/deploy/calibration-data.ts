/**
 * Calibration images: the first N of a shuffled pass over an image folder's training images
 * (seed 0, so every class is represented and the export is reproducible), decoded and
 * normalised exactly as training fed them to the model.
 */
import type { ResizeMode } from '../../core/onnx/metadata';
import { prepareDataset } from '../data/dataset';
import { createLoader } from '../data/loader';
import type { CalibrationBatches } from './calibrate';

export interface CalibrationSource {
  dir: string;
  images: number;
  /** [C, H, W] */
  inputSize: [number, number, number];
  mean: number[];
  std: number[];
  resize: ResizeMode;
}

const CALIBRATION_BATCH = 32;

export async function loadCalibrationImages(src: CalibrationSource): Promise<CalibrationBatches> {
  const [c, h, w] = src.inputSize;
  const data = await prepareDataset(src.dir, { input: { channels: c, height: h, width: w, resize: src.resize }, valSplit: 0, mean: src.mean, std: src.std });
  try {
    const available = data.cache.split('train')?.count ?? 0;
    if (available === 0) throw new Error(`${src.dir}: no training images to calibrate on`);
    const loader = createLoader({
      cache: data.cache,
      split: 'train',
      batchSize: Math.min(CALIBRATION_BATCH, src.images),
      shuffle: true,
      seed: 0,
      mean: src.mean,
      std: src.std,
    });
    const batches: Float32Array[] = [];
    let images = 0;
    const per = c * h * w;
    for await (const b of loader.epoch(0)) {
      const take = Math.min(b.size, src.images - images);
      batches.push(b.images.slice(0, take * per));
      images += take;
      if (images >= src.images) break;
    }
    return { batches, shape: [c, h, w], images };
  } finally {
    await data.cache.close();
  }
}
