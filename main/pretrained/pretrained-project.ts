/**
 * Writes a template project whose weights come from a file: the project (with a `weights` section
 * naming <name>.ckpt beside it, the backbone's preprocessing in `deploy`, and a `pretrained`
 * section saying where the weights came from) and the checkpoint. Training it on a folder then
 * starts from these weights, replaces the classifier for the folder's classes (tensors whose size
 * no longer fits start fresh, main/trainer/starting-weights.ts) and keeps the normalisation.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { analyze } from '../../core/graph/analyze';
import { parseProject, serializeProject, type Project } from '../../core/graph/project';
import type { ModelDocument } from '../../core/graph/types';
import { WEIGHTS_TERMS, type PretrainedEntry } from '../../core/pretrained/catalog';
import { atomicWrite } from '../fs/atomic-write';
import { weightsCheckpoint, type DeploySettings } from '../onnx/project-weights';
import { loadWeightsFor } from './weights-file';

export interface PretrainedProjectRequest {
  label: string;
  model: ModelDocument;
  /** The weights file to map onto the model. */
  weightsFile: string;
  /** The catalog entry of the template's backbone (its preprocessing); null when the template has none. */
  entry: PretrainedEntry | null;
  /** The project file to write; the checkpoint goes beside it as <name>.ckpt. */
  output: string;
  force: boolean;
}

export interface PretrainedProjectResult {
  project: string;
  checkpoint: string;
  params: number;
  /** Tensors of the file the model does not use (num_batches_tracked, GoogLeNet's aux heads). */
  skipped: number;
}

export class PretrainedProjectError extends Error {
  override readonly name = 'PretrainedProjectError';
}

/** The preprocessing the studio applies for the backbone: its normalisation, centre crop, RGB. */
function deployFor(entry: PretrainedEntry | null): DeploySettings {
  if (!entry) return { colorMode: 'rgb', resize: 'center-crop' };
  return { colorMode: 'rgb', mean: [...entry.studioMean], std: [...entry.studioStd], resize: 'center-crop' };
}

export async function writePretrainedProject(r: PretrainedProjectRequest): Promise<PretrainedProjectResult> {
  const out = path.resolve(r.output);
  const ckpt = `${out.replace(/\.json$/i, '')}.ckpt`;
  if (existsSync(ckpt) && !r.force) throw new PretrainedProjectError(`${ckpt} exists; pass --force to overwrite it`);
  const a = analyze(r.model);
  if (!a.ok)
    throw new PretrainedProjectError(
      `the model is not valid at this input size: ${a.diagnostics
        .filter((d) => d.severity === 'error')
        .map((d) => d.message)
        .slice(0, 3)
        .join('; ')}`,
    );
  const { weights, skipped } = await loadWeightsFor(r.weightsFile, a.graph.weights);
  const project: Project = {
    name: r.label,
    model: r.model,
    extra: {
      weights: path.basename(ckpt),
      deploy: deployFor(r.entry),
      pretrained: r.entry
        ? { id: r.entry.id, file: path.basename(r.weightsFile), top1: r.entry.top1, terms: WEIGHTS_TERMS }
        : { file: path.basename(r.weightsFile) },
    },
  };
  const text = serializeProject(project);
  parseProject(text);
  const shapes = new Map(a.graph.weights.map((w) => [w.name, [...w.shape]]));
  await atomicWrite(ckpt, weightsCheckpoint(weights, shapes));
  await atomicWrite(out, text);
  return { project: out, checkpoint: ckpt, params: a.totals.params, skipped };
}
