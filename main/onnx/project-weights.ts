/**
 * Where a project's weights come from when exporting, and where an import puts them: a CNN Studio
 * checkpoint (main/trainer/checkpoint.ts) next to the project, named in the project's `weights`
 * section, and the deployment metadata (class names, preprocessing) in its `deploy` section.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Project } from '../../core/graph/project';
import type { ColorMode, ModelMetadata, ResizeMode } from '../../core/onnx/metadata';
import { CheckpointError, encodeCheckpoint, readCheckpoint, type Checkpoint } from '../trainer/checkpoint';

/** The `deploy` section of a project file: what an export writes into the model's metadata. */
export interface DeploySettings {
  classNames?: string[];
  colorMode?: ColorMode;
  mean?: number[];
  std?: number[];
  resize?: ResizeMode;
}

const isNumbers = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/** Reads the section leniently: a malformed field is ignored (export then uses its default). */
export function deploySettings(project: Project): DeploySettings {
  const d = project.extra.deploy;
  if (typeof d !== 'object' || d === null) return {};
  const r = d as Record<string, unknown>;
  const out: DeploySettings = {};
  if (Array.isArray(r.classNames) && r.classNames.every((c) => typeof c === 'string')) out.classNames = r.classNames as string[];
  if (r.colorMode === 'rgb' || r.colorMode === 'grayscale') out.colorMode = r.colorMode;
  if (isNumbers(r.mean)) out.mean = r.mean;
  if (isNumbers(r.std)) out.std = r.std;
  if (r.resize === 'stretch' || r.resize === 'center-crop' || r.resize === 'letterbox') out.resize = r.resize;
  return out;
}

export function deployFromMetadata(m: ModelMetadata): DeploySettings {
  const d: DeploySettings = { colorMode: m.colorMode, mean: m.mean, std: m.std, resize: m.resize };
  if (m.classNames.length > 0) d.classNames = m.classNames;
  return d;
}

/** The checkpoint a project names in `weights` (relative to the project file), if it exists. */
export function projectCheckpointPath(projectFile: string, project: Project): string | null {
  const w = project.extra.weights;
  if (typeof w !== 'string' || w === '') return null;
  const p = path.resolve(path.dirname(path.resolve(projectFile)), w);
  return existsSync(p) ? p : null;
}

/** All tensors of a checkpoint by name: learned weights and running statistics together. */
export async function readWeights(file: string): Promise<Map<string, Float32Array>> {
  const c = await readCheckpoint(file);
  const all = new Map([...c.weights, ...c.running]);
  refuseNonFinite(file, all);
  return all;
}

/**
 * A NaN or infinite weight makes every prediction NaN: such a checkpoint is refused for export
 * and as starting weights, naming the first tensor that holds one.
 */
export function refuseNonFinite(file: string, tensors: ReadonlyMap<string, Float32Array>): void {
  for (const [name, t] of tensors) {
    let bad = 0;
    for (let i = 0; i < t.length; i++) if (!Number.isFinite(t[i]!)) bad++;
    if (bad > 0) {
      throw new CheckpointError(
        file,
        `tensor "${name}" holds ${bad} value(s) that are NaN or infinite (training diverged before this checkpoint was written); use a checkpoint from before, e.g. best.ckpt, or train again with a lower learning rate`,
      );
    }
  }
}

const RUNNING = /\.(running_mean|running_var)$/;

/** Encodes imported weights as a fresh checkpoint (epoch 0, no optimizer state). */
export function weightsCheckpoint(weights: ReadonlyMap<string, Float32Array>, shapes: ReadonlyMap<string, number[]> = new Map()): Uint8Array {
  const c: Checkpoint = {
    epoch: 0,
    step: 0,
    seed: 0,
    rng: { kind: 'seeded-per-epoch', seed: 0, nextEpoch: 0 },
    bestEpoch: -1,
    bestValAccuracy: null,
    epochsWithoutImprovement: 0,
    optimizer: 'none',
    weights: new Map([...weights].filter(([k]) => !RUNNING.test(k))),
    running: new Map([...weights].filter(([k]) => RUNNING.test(k))),
    optimizerState: new Map(),
  };
  return encodeCheckpoint(c, shapes);
}
