/**
 * The images of a training run's data folder as the deploy pipeline reads them: the run's
 * preprocessing, validation fraction and seed (so "held out" means what the run held out).
 */
import { existsSync } from 'node:fs';
import type { ResizeMode } from '../../core/onnx/metadata';
import { readRunJson } from '../trainer/run-folder';
import type { DeployDataSpec } from './deploy-data';

export type DeployPreprocessing = Omit<DeployDataSpec, 'dir' | 'valSplit' | 'seed'>;

/** Preprocessing for a model input [N, C, H, W], with defaults for what is not known. */
export function deployPreprocessing(
  inputDims: readonly (number | string)[],
  pre: { mean?: number[] | undefined; std?: number[] | undefined; resize?: ResizeMode | undefined },
): DeployPreprocessing {
  const [c, h, w] = inputDims.slice(1).map(Number) as [number, number, number];
  return {
    inputSize: [c, h, w],
    mean: pre.mean ?? new Array<number>(c).fill(0),
    std: pre.std ?? new Array<number>(c).fill(1),
    resize: pre.resize ?? 'stretch',
  };
}

/** null when there is no run, or its data folder is gone. */
export async function runDataSpec(runDir: string | null, base: DeployPreprocessing): Promise<DeployDataSpec | null> {
  if (!runDir) return null;
  const run = await readRunJson(runDir).catch(() => null);
  if (!run || !run.data.root || !existsSync(run.data.root)) return null;
  return { ...base, dir: run.data.root, valSplit: run.settings.valSplit, seed: run.settings.seed };
}
