/**
 * The images a deployment export needs, decoded and normalised exactly as training fed them:
 * - calibration: the first N of a shuffled pass (seed 0) over the training split, so every class
 *   is represented and the export is reproducible;
 * - held-out: the test split when the folder has one, else the validation split the run held out
 *   (the same stratified split, from the run's valSplit and seed), for accuracy and agreement.
 */
import type { ResizeMode } from '../../core/onnx/metadata';
import { prepareDataset, type PreparedDataset } from '../data/dataset';
import { createLoader } from '../data/loader';
import type { SplitName } from '../data/scan';
import type { CalibrationBatches } from './calibrate';

export interface DeployDataSpec {
  dir: string;
  /** [C, H, W] */
  inputSize: [number, number, number];
  mean: number[];
  std: number[];
  resize: ResizeMode;
  /** The run's validation fraction and seed (0 and 0 for a folder that was not a run's data). */
  valSplit: number;
  seed: number;
}

export interface HeldOutImages extends CalibrationBatches {
  /** Class index (the data's class order) per image, batch after batch. */
  labels: Int32Array;
  split: SplitName;
  classes: readonly string[];
}

const BATCH = 32;

export class DeployDataError extends Error {
  override readonly name = 'DeployDataError';
}

async function firstImages(data: PreparedDataset, spec: DeployDataSpec, split: SplitName, max: number, shuffle: boolean): Promise<HeldOutImages> {
  const loader = createLoader({ cache: data.cache, split, batchSize: Math.max(1, Math.min(BATCH, max)), shuffle, seed: 0, mean: spec.mean, std: spec.std });
  const per = spec.inputSize[0] * spec.inputSize[1] * spec.inputSize[2];
  const batches: Float32Array[] = [];
  const labels: number[] = [];
  for await (const b of loader.epoch(0)) {
    const take = Math.min(b.size, max - labels.length);
    batches.push(b.images.slice(0, take * per));
    for (let i = 0; i < take; i++) labels.push(Number(b.labels[i]));
    if (labels.length >= max) break;
  }
  return { batches, shape: spec.inputSize, images: labels.length, labels: Int32Array.from(labels), split, classes: data.classes };
}

function heldOutSplit(data: PreparedDataset): SplitName | null {
  if (data.cache.split('test')?.count) return 'test';
  if (data.cache.split('val')?.count) return 'val';
  return null;
}

export interface DeployImages {
  calibration: CalibrationBatches | null;
  heldOut: HeldOutImages | null;
}

/** Reads `calibration` training images and up to `heldOut` held-out images (0: none). */
export async function loadDeployImages(spec: DeployDataSpec, want: { calibration: number; heldOut: number }): Promise<DeployImages> {
  const [c, h, w] = spec.inputSize;
  if (c !== 1 && c !== 3) throw new DeployDataError(`the model takes ${c} channels; images decode as 1 or 3`);
  const data = await prepareDataset(spec.dir, {
    input: { channels: c, height: h, width: w, resize: spec.resize },
    valSplit: spec.valSplit,
    seed: spec.seed,
    mean: spec.mean,
    std: spec.std,
  });
  try {
    let calibration: CalibrationBatches | null = null;
    if (want.calibration > 0) {
      if (!data.cache.split('train')?.count) throw new DeployDataError(`${spec.dir}: no training images to calibrate on`);
      calibration = await firstImages(data, spec, 'train', want.calibration, true);
    }
    const split = want.heldOut > 0 ? heldOutSplit(data) : null;
    const heldOut = split ? await firstImages(data, spec, split, want.heldOut, false) : null;
    return { calibration, heldOut };
  } finally {
    await data.cache.close();
  }
}
