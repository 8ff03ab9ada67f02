/**
 * Where a new run's weights start. By default from PyTorch-style random initialisation; but a
 * project that names a checkpoint (an ONNX import writes one: `extra.weights`, relative to the
 * project file), or an explicit `initialWeights` file, starts from those tensors instead — that is
 * how an imported, pretrained model is fine-tuned. Tensors whose name or size does not match the
 * model (typically the classifier after the Output block took the dataset's class count) start
 * fresh, and the log says which.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import type { Project } from '../../core/graph/project';
import { deploySettings, readWeights } from '../onnx/project-weights';
import type { TrainOptions } from './types';
import { TrainError } from './run-folder';

export interface WeightDef {
  name: string;
  shape: readonly number[];
}

/** The checkpoint a run should start from, or null for random initialisation. */
export function startingWeightsFile(opts: Pick<TrainOptions, 'initialWeights' | 'fromScratch' | 'project' | 'projectPath'>): string | null {
  if (opts.fromScratch) return null;
  if (opts.initialWeights) return path.resolve(opts.initialWeights);
  const named = opts.project.extra?.['weights'];
  if (typeof named !== 'string' || named === '' || !opts.projectPath) return null;
  const file = path.resolve(path.dirname(opts.projectPath), named);
  return existsSync(file) ? file : null;
}

/**
 * Replaces entries of `fresh` (the random initialisation, which also fixes the order) by the
 * file's tensors of the same name and element count. Returns the names that stayed fresh.
 */
export async function applyStartingWeights(
  file: string,
  defs: readonly WeightDef[],
  fresh: Map<string, Float32Array>,
): Promise<{ loaded: number; keptFresh: string[] }> {
  let stored: Map<string, Float32Array>;
  try {
    stored = await readWeights(file);
  } catch (e) {
    throw new TrainError('bad-weights', `cannot start from ${file}: ${(e as Error).message}`);
  }
  let loaded = 0;
  const keptFresh: string[] = [];
  for (const d of defs) {
    const w = stored.get(d.name);
    const size = d.shape.reduce((a, b) => a * b, 1);
    if (w && w.length === size) {
      fresh.set(d.name, Float32Array.from(w));
      loaded++;
    } else {
      keptFresh.push(d.name);
    }
  }
  if (loaded === 0) throw new TrainError('bad-weights', `cannot start from ${file}: none of its tensors matches this model's weights by name and size`);
  return { loaded, keptFresh };
}

/**
 * A pretrained backbone (a project written by `template --pretrained/--weights`, marked by its
 * `pretrained` section) was trained on images normalised its own way: a run that starts from its
 * weights keeps that mean/std (the project's `deploy` section) instead of computing the folder's,
 * which would feed the backbone inputs it never saw. Null otherwise.
 */
export function backboneNormalisation(
  opts: Pick<TrainOptions, 'initialWeights' | 'fromScratch' | 'project' | 'projectPath'>,
  project: Project,
  channels: number,
): { mean: number[]; std: number[] } | null {
  if (!startingWeightsFile(opts) || typeof project.extra.pretrained !== 'object' || project.extra.pretrained === null) return null;
  const d = deploySettings(project);
  if (!d.mean || !d.std || d.mean.length !== channels || d.std.length !== channels) return null;
  return { mean: d.mean, std: d.std };
}
