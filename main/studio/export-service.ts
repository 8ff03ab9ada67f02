/**
 * Export from a run: ONNX (opset and metadata chosen in the dialog, weights from the best or the
 * last checkpoint, classes and preprocessing from run.json) and the PyTorch project of issue 9.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { StudioError, type ExportedFile } from '../../core/api';
import { ExportError, exportOnnx } from '../../core/onnx/export';
import { encodeModel } from '../../core/onnx/proto';
import { parseProject, type Project } from '../../core/graph/project';
import type { TrainSettings } from '../trainer/types';
import { exportPytorch, PytorchExportError } from '../../core/export-pytorch/index';
import { atomicWrite } from '../fs/atomic-write';
import { writeFolder, type FolderFile } from '../fs/write-folder';
import { plainFsError, resolveOutputFile, UserPathError } from '../fs/user-paths';
import { insideInstallAssets } from '../paths';
import { readWeights } from '../onnx/project-weights';
import { ExportSourceError, pytorchSource, recipeOf } from '../export-pytorch/source';
import { readRunJson, runPaths } from '../trainer/index';
import { STUDIO_VERSION } from '../../core/version';
import type { Model } from '../../core/onnx/ir';
import type { Precision } from '../../core/deploy/report';
import { QuantizeError } from '../../core/quant/qdq';
import { DatasetError } from '../data/errors';
import { DeployDataError } from '../deploy/deploy-data';
import { DEFAULT_CALIBRATION_IMAGES, deployExport, DeployError, REPORT_HELD_OUT_IMAGES, type DeployResult } from '../deploy/pipeline';
import { deployPreprocessing, runDataSpec } from '../deploy/run-data';
import { selectDevice } from '../trainer/device';
import type { RunJson } from '../trainer/run-folder';

export interface OnnxExportRequest {
  checkpoint: 'best' | 'last';
  opset: number;
  path: string;
  modelName?: string | undefined;
  description?: string | undefined;
  author?: string | undefined;
  precision?: Precision | undefined;
}

async function checkpointFile(runDir: string, which: 'best' | 'last'): Promise<string> {
  const p = runPaths(runDir);
  const file = which === 'best' ? p.best : p.last;
  const st = await fs.stat(file).catch(() => null);
  if (!st) throw new StudioError('not-found', `${runDir} has no ${which} checkpoint yet (${path.basename(file)})`);
  return file;
}

/**
 * The file an export writes: a folder target means `<folder>/<defaultName>`. The dialog has
 * already asked before replacing a file, so an existing one is overwritten; the studio's own
 * assets folder is never written.
 */
async function exportTarget(target: string, defaultName: string): Promise<string> {
  let file: string;
  try {
    file = path.resolve(await resolveOutputFile(target.trim(), { defaultName, force: true }));
  } catch (e) {
    if (e instanceof UserPathError) throw new StudioError('not-found', `not exported: ${e.message}`);
    throw e;
  }
  if (insideInstallAssets(file))
    throw new StudioError('read-only', `not exported: ${file} is inside the studio's install (its assets folder); choose another place`);
  return file;
}

/** The run's model as an ONNX inference model, batch norm folded or not, with the dialog's metadata. */
function runModel(
  project: Project,
  run: RunJson,
  runDir: string,
  weights: Map<string, Float32Array>,
  req: OnnxExportRequest,
  foldBatchNorm: boolean,
): { model: Model; warnings: string[] } {
  const pre = run.preprocessing;
  let result;
  try {
    result = exportOnnx(project.model, {
      opset: req.opset,
      weights,
      classNames: run.data.classes,
      colorMode: pre.colorMode,
      mean: pre.mean,
      std: pre.std,
      resize: pre.resize,
      modelName: req.modelName?.trim() || project.name || 'cnn_studio_model',
      foldBatchNorm,
    });
  } catch (e) {
    if (e instanceof ExportError) throw new StudioError('export-failed', e.message);
    throw e;
  }
  const model = result.model;
  // The dialog's free-text metadata goes into the model's own fields, beside what predict reads.
  if (req.description?.trim()) model.docString = req.description.trim();
  if (req.author?.trim()) model.metadata['author'] = req.author.trim();
  model.metadata['training_run'] = path.basename(runDir);
  model.metadata['checkpoint'] = req.checkpoint;
  model.metadata['studio_version'] = STUDIO_VERSION;
  return { model, warnings: result.warnings };
}

/** int8/fp16 of the folded model, and the deploy report (fp32 vs int8 vs fp16) on the run's data. */
async function deployRun(runDir: string, run: RunJson, folded: Model, fp32File: Model, precision: Precision, file: string): Promise<DeployResult> {
  const base = deployPreprocessing(folded.graph.inputs[0]!.shape, run.preprocessing);
  const data = await runDataSpec(runDir, base);
  const gpu = await selectDevice('auto');
  try {
    return await deployExport(folded, {
      precision,
      io: 'float32',
      calibrationImages: DEFAULT_CALIBRATION_IMAGES,
      calibrationMethod: 'minmax',
      calibrationData: data,
      heldOutData: data,
      report: true,
      heldOutImages: REPORT_HELD_OUT_IMAGES,
      threads: 2,
      gpu: gpu.device === 'cpu' ? null : gpu.device,
      ...(gpu.fallbackReason ? { gpuMissing: gpu.fallbackReason.split('. ')[0]! } : {}),
      file: path.basename(file),
      fp32File,
    });
  } catch (e) {
    if (e instanceof DeployError && !data)
      throw new StudioError('not-found', `not exported: int8 calibrates on the run's training images, and ${run.data.root} is not there any more`);
    if (e instanceof DeployError || e instanceof QuantizeError || e instanceof DeployDataError || e instanceof DatasetError)
      throw new StudioError('export-failed', `not exported: ${e.message}`);
    throw e;
  }
}

export async function exportRunOnnx(runDir: string, req: OnnxExportRequest): Promise<ExportedFile> {
  const run = await readRunJson(runDir);
  const project = parseProject(await fs.readFile(path.join(runDir, 'project.json'), 'utf8'));
  const weights = await readWeights(await checkpointFile(runDir, req.checkpoint));
  const precision = req.precision ?? 'fp32';
  const plain = runModel(project, run, runDir, weights, req, false);
  const file = await exportTarget(req.path, `${path.basename(runDir)}.onnx`);
  const deployed = await deployRun(runDir, run, runModel(project, run, runDir, weights, req, true).model, plain.model, precision, file);
  const model = precision === 'fp32' ? plain.model : deployed.model;
  let bytes: number;
  try {
    bytes = await atomicWrite(file, encodeModel(model));
    if (deployed.report) await atomicWrite(`${file}.report.json`, `${JSON.stringify(deployed.report, null, 2)}\n`);
  } catch (e) {
    throw new StudioError('write-failed', `not exported: cannot write ${file} (${plainFsError(e)})`);
  }
  return { path: file, bytes, warnings: plain.warnings.filter((w) => !/dropout/i.test(w)), ...(deployed.report ? { report: deployed.report } : {}) };
}

async function writeProjectFiles(dir: string, files: readonly FolderFile[]): Promise<string> {
  const out = path.resolve(dir);
  if (insideInstallAssets(out))
    throw new StudioError('read-only', `not exported: ${out} is inside the studio's install (its assets folder); choose another folder`);
  try {
    return await writeFolder(out, files);
  } catch (e) {
    throw new StudioError('write-failed', `not exported: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The editor's model with the panel's recipe and no weights (PyTorch initialises them). */
export async function exportProjectPytorch(
  project: Project,
  settings: TrainSettings,
  dir: string,
): Promise<{ dir: string; files: string[]; warnings: string[] }> {
  let result;
  try {
    result = exportPytorch(project.model, { projectName: project.name || 'model', recipe: recipeOf(settings, null, project) });
  } catch (e) {
    if (e instanceof PytorchExportError) throw new StudioError('export-failed', e.message);
    throw e;
  }
  const out = await writeProjectFiles(dir, result.files);
  return { dir: out, files: result.files.map((f) => f.path), warnings: result.warnings };
}

export async function exportRunPytorch(runDir: string, which: 'best' | 'last', dir: string): Promise<{ dir: string; files: string[]; warnings: string[] }> {
  let src;
  try {
    src = await pytorchSource(runDir, await checkpointFile(runDir, which));
  } catch (e) {
    if (e instanceof ExportSourceError) throw new StudioError('export-failed', e.message);
    throw e;
  }
  let result;
  try {
    result = exportPytorch(src.project.model, {
      projectName: src.project.name || path.basename(runDir),
      recipe: src.recipe,
      ...(src.weights ? { weights: src.weights } : {}),
    });
  } catch (e) {
    if (e instanceof PytorchExportError) throw new StudioError('export-failed', e.message);
    throw e;
  }
  const out = await writeProjectFiles(dir, result.files);
  return { dir: out, files: result.files.map((f) => f.path), warnings: result.warnings };
}
