/**
 * What `export-pytorch` exports: the project (a project file, or a run folder's project.json),
 * the recipe (a run's run.json settings and preprocessing, else the studio's default settings
 * and the project's deploy section) and the weights (a checkpoint file, a run folder's best
 * checkpoint, or the weights an ONNX import saved with the project).
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { ProjectFileError } from '../../core/graph/errors';
import { parseProject, type Project } from '../../core/graph/project';
import type { Recipe } from '../../core/export-pytorch/index';
import { deploySettings, projectCheckpointPath, readWeights } from '../onnx/project-weights';
import { plainFsError } from '../fs/user-paths';
import { DEFAULT_SETTINGS } from '../trainer/settings';
import type { RunJson } from '../trainer/run-folder';
import type { TrainSettings } from '../trainer/types';
import { stripBom } from '../../core/json-text';

export class ExportSourceError extends Error {
  override readonly name = 'ExportSourceError';
}

export interface PytorchSource {
  projectFile: string;
  project: Project;
  recipe: Recipe;
  /** The checkpoint the weights come from, if any. */
  checkpoint: string | null;
  weights: Map<string, Float32Array> | null;
}

async function readText(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ExportSourceError(`${file}: ${code === 'ENOENT' ? 'no such file' : plainFsError(e)}`);
  }
}

async function readProject(file: string): Promise<Project> {
  const text = await readText(file);
  try {
    return parseProject(text);
  } catch (e) {
    if (e instanceof ProjectFileError) throw new ExportSourceError(`${file}: ${e.message}`);
    throw e;
  }
}

/** A run folder's run.json, or null when the folder has none (or it is unreadable). */
async function readRun(dir: string): Promise<RunJson | null> {
  const file = path.join(dir, 'run.json');
  if (!existsSync(file)) return null;
  try {
    const run = JSON.parse(stripBom(await readText(file))) as RunJson;
    return run.format === 'cnn-studio-run' ? run : null;
  } catch {
    return null;
  }
}

export function recipeOf(s: TrainSettings, run: RunJson | null, project: Project): Recipe {
  const deploy = deploySettings(project);
  const pre = run?.preprocessing;
  return {
    epochs: s.epochs,
    batchSize: s.batchSize,
    optimizer: s.optimizer,
    lr: s.lr,
    momentum: s.momentum,
    weightDecay: s.weightDecay,
    labelSmoothing: s.labelSmoothing,
    schedule: s.schedule,
    augment: s.augment,
    seed: s.seed,
    valSplit: s.valSplit,
    patience: s.patience,
    resize: pre?.resize ?? s.resize ?? deploy.resize ?? 'stretch',
    mean: pre?.mean ?? deploy.mean ?? null,
    std: pre?.std ?? deploy.std ?? null,
    classes: run?.data.classes ?? deploy.classNames ?? null,
  };
}

function runCheckpoint(dir: string): string | null {
  return ['best.ckpt', 'last.ckpt'].map((f) => path.join(dir, f)).find((f) => existsSync(f)) ?? null;
}

/** `source`: a project file or a run folder; `checkpoint`: a checkpoint file or a run folder. */
export async function pytorchSource(source: string, checkpoint?: string): Promise<PytorchSource> {
  const st = await fs.stat(source).catch(() => null);
  if (!st) throw new ExportSourceError(`${source}: no such file or folder`);
  let projectFile = source;
  let run: RunJson | null = null;
  let ckpt: string | null = null;
  if (st.isDirectory()) {
    projectFile = path.join(source, 'project.json');
    if (!existsSync(projectFile)) throw new ExportSourceError(`${source}: not a training run folder (no project.json)`);
    run = await readRun(source);
    ckpt = runCheckpoint(source);
  }
  const project = await readProject(projectFile);
  if (!st.isDirectory()) ckpt = projectCheckpointPath(projectFile, project);
  if (checkpoint !== undefined) {
    const cst = await fs.stat(checkpoint).catch(() => null);
    if (!cst) throw new ExportSourceError(`${checkpoint}: no such checkpoint file or run folder`);
    if (cst.isDirectory()) {
      run = (await readRun(checkpoint)) ?? run;
      ckpt = runCheckpoint(checkpoint);
      if (!ckpt) throw new ExportSourceError(`${checkpoint}: the run folder has no best.ckpt or last.ckpt`);
    } else ckpt = checkpoint;
  }
  let weights: Map<string, Float32Array> | null = null;
  if (ckpt) {
    try {
      weights = await readWeights(ckpt);
    } catch (e) {
      throw new ExportSourceError(e instanceof Error ? e.message : String(e));
    }
  }
  const settings = run?.settings ? { ...DEFAULT_SETTINGS, ...run.settings } : DEFAULT_SETTINGS;
  return { projectFile, project, recipe: recipeOf(settings, run, project), checkpoint: ckpt, weights };
}
