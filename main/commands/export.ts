import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { ProjectFileError } from '../../core/graph/errors';
import { parseProject, type Project } from '../../core/graph/project';
import { DEFAULT_OPSET, ExportError, exportOnnx, MIN_EXPORT_OPSET, type ExportOptions } from '../../core/onnx/export';
import { MAX_OPSET } from '../../core/onnx/validate';
import type { ResizeMode } from '../../core/onnx/metadata';
import { encodeModel } from '../../core/onnx/proto';
import { atomicWrite } from '../fs/atomic-write';
import { checkpointArg, plainFsError, readProjectText, resolveOutputFile } from '../fs/user-paths';
import { deploySettings, projectCheckpointPath, readWeights, type DeploySettings } from '../onnx/project-weights';
import { humanBytes } from './info';
import { CliError, type CliIO } from './io';
import { stripBom } from '../../core/json-text';
import { addDeployOptions, finalModel, parseDeployFlags, runDeploy, writeReport, type DeployFlags } from './export-deploy';

interface ExportSource {
  projectFile: string;
  project: Project;
  /** Default weights (run folder's best checkpoint, or the project's imported weights). */
  checkpoint: string | null;
  deploy: DeploySettings;
}

async function readProject(file: string): Promise<Project> {
  const text = await readProjectText(file);
  try {
    return parseProject(text);
  } catch (e) {
    if (e instanceof ProjectFileError) throw new CliError(`${file}: ${e.message}`);
    throw e;
  }
}

/** A training run folder (run.json + project.json + checkpoints) carries classes and preprocessing. */
async function runFolderSource(dir: string): Promise<ExportSource> {
  const projectFile = path.join(dir, 'project.json');
  if (!existsSync(projectFile)) throw new CliError(`${dir}: a folder to export must be a training run folder (with project.json); none found`);
  const project = await readProject(projectFile);
  const deploy = deploySettings(project);
  try {
    const run = JSON.parse(stripBom(await fs.readFile(path.join(dir, 'run.json'), 'utf8'))) as {
      data?: { classes?: unknown };
      preprocessing?: { colorMode?: unknown; mean?: unknown; std?: unknown; resize?: unknown };
    };
    const classes = run.data?.classes;
    if (Array.isArray(classes) && classes.every((c) => typeof c === 'string')) deploy.classNames = classes as string[];
    const pre = run.preprocessing;
    if (pre?.colorMode === 'rgb' || pre?.colorMode === 'grayscale') deploy.colorMode = pre.colorMode;
    if (Array.isArray(pre?.mean)) deploy.mean = pre.mean as number[];
    if (Array.isArray(pre?.std)) deploy.std = pre.std as number[];
    if (typeof pre?.resize === 'string') deploy.resize = pre.resize as ResizeMode;
  } catch {
    // No readable run.json: the project's own deploy settings (or defaults) apply.
  }
  const best = ['best.ckpt', 'last.ckpt'].map((f) => path.join(dir, f)).find((f) => existsSync(f)) ?? null;
  return { projectFile, project, checkpoint: best, deploy };
}

async function exportSource(arg: string): Promise<ExportSource> {
  const stat = await fs.stat(arg).catch(() => {
    throw new CliError(`${arg}: no such file or folder`);
  });
  if (stat.isDirectory()) return runFolderSource(arg);
  const project = await readProject(arg);
  return { projectFile: arg, project, checkpoint: projectCheckpointPath(arg, project), deploy: deploySettings(project) };
}

/** The file name a folder target gets: the run folder's name, else the project file's. */
function outputStem(arg: string, src: ExportSource): string {
  const fromRun = src.projectFile !== arg;
  const stem = fromRun ? path.basename(path.resolve(arg)) : path.basename(src.projectFile).replace(/(\.cnn)?\.json$/i, '');
  return stem || 'model';
}

/** An imported project exports at its source opset by default (its ONNX-op blocks are in that form). */
function defaultOpsetFor(project: Project): number {
  const from = project.extra.importedFrom as { opset?: unknown } | undefined;
  const v = from?.opset;
  return typeof v === 'number' && Number.isInteger(v) && v >= MIN_EXPORT_OPSET && v <= MAX_OPSET ? v : DEFAULT_OPSET;
}

function opsetOption(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new CliError(`--opset: "${v}" is not a whole number`);
  return n;
}

interface ExportFlags extends DeployFlags {
  output: string;
  force?: boolean;
  checkpoint?: string;
  opset?: string;
  foldBn?: boolean;
  classes?: string;
  name?: string;
}

export function registerExport(program: Command, io: CliIO): void {
  const cmd = program
    .command('export')
    .description('export a project (or a training run folder) as an ONNX inference model: input "input", outputs "logits" and "probabilities"')
    .argument('<project>', 'a project file (.json) or a training run folder')
    .requiredOption('-o, --output <file>', 'the .onnx file to write, or a folder (writes <folder>/<name>.onnx)')
    .option('-f, --force', 'overwrite the output file if it exists')
    .option(
      '--checkpoint <file>',
      "weights from this checkpoint, or a run folder (its best.ckpt) (default: the run's best.ckpt, or the weights an import saved with the project; else freshly initialised)",
    )
    .option('--opset <n>', `ai.onnx opset, 11 to 26 (default ${DEFAULT_OPSET}; an imported project: its source opset)`)
    .option('--fold-bn', 'fold each batch norm into the conv before it (fewer ops, same outputs)')
    .option('--classes <names>', 'class names, comma-separated, in output order')
    .option('--name <name>', 'model name stored in the metadata (default: the project name)');
  addDeployOptions(cmd).action(async (arg: string, o: ExportFlags) => {
    const deployChoice = parseDeployFlags(o);
    const src = await exportSource(arg);
    const ckpt = o.checkpoint !== undefined ? await checkpointArg(o.checkpoint) : src.checkpoint;
    const output = await resolveOutputFile(o.output, { defaultName: `${outputStem(arg, src)}.onnx`, force: o.force === true });
    let weights: Map<string, Float32Array> | undefined;
    if (ckpt) {
      try {
        weights = await readWeights(ckpt);
      } catch (e) {
        throw new CliError(
          (e as NodeJS.ErrnoException).code ? `${ckpt}: cannot read the checkpoint (${plainFsError(e)})` : e instanceof Error ? e.message : String(e),
        );
      }
    }
    const d = src.deploy;
    const opts: ExportOptions = {
      opset: o.opset === undefined ? defaultOpsetFor(src.project) : opsetOption(o.opset),
      foldBatchNorm: o.foldBn === true,
      modelName: o.name ?? (src.project.name || path.basename(src.projectFile, '.json')),
    };
    if (weights) opts.weights = weights;
    const classNames = o.classes !== undefined ? o.classes.split(',').map((c) => c.trim()) : d.classNames;
    if (classNames) opts.classNames = classNames;
    if (d.colorMode) opts.colorMode = d.colorMode;
    if (d.mean) opts.mean = d.mean;
    if (d.std) opts.std = d.std;
    if (d.resize) opts.resize = d.resize;
    let result;
    try {
      result = exportOnnx(src.project.model, opts);
    } catch (e) {
      if (e instanceof ExportError) throw new CliError(`${src.projectFile}: ${e.message}`);
      throw e;
    }
    // int8 and fp16 (and the report's fp32 and int8 rows) start from the batch-norm-folded model.
    const folded =
      opts.foldBatchNorm || (deployChoice.precision === 'fp32' && !deployChoice.report)
        ? result.model
        : exportOnnx(src.project.model, { ...opts, foldBatchNorm: true }).model;
    const runDir = src.projectFile !== arg ? arg : null;
    const deployed = await runDeploy({ runDir, deploy: d, output, flags: o }, deployChoice, folded, result.model, io);
    const written = finalModel(deployChoice.precision === 'fp32' ? result.model : deployed.model, deployChoice, d);
    const bytes = encodeModel(written);
    try {
      await atomicWrite(output, bytes);
    } catch (e) {
      throw new CliError(`${output}: cannot write (${plainFsError(e)})`);
    }
    const input = `${written.graph.inputs[0]!.shape.slice(1).join('×')}${deployChoice.withPreprocessing ? ' uint8 NHWC, preprocessing inside' : ''}`;
    const classes = result.model.graph.outputs[0]!.shape[1];
    const kind =
      deployed.calibration && deployChoice.precision === 'int8'
        ? `, int8 (QDQ, calibrated on ${deployed.calibration.images} images, ${deployed.calibration.method})`
        : deployChoice.precision === 'fp16'
          ? `, fp16${deployChoice.io === 'float16' ? ' (fp16 input and outputs)' : ''}`
          : '';
    const foldedNote = opts.foldBatchNorm || deployChoice.precision !== 'fp32' ? ', batch norm folded' : '';
    io.out(
      `wrote ${output} (${humanBytes(bytes.byteLength)}): opset ${opts.opset}, input ${input}, ${classes} classes, ${result.paramCount.toLocaleString('en-US')} parameters${foldedNote}${kind}`,
    );
    const total = result.model.graph.initializers.length;
    if (!ckpt) io.out('weights: none given, freshly initialised (the model is untrained)');
    else
      io.out(
        `weights: ${ckpt}${result.initialized.length ? ` (${result.initialized.length} of ${total} missing there, freshly initialised: ${result.initialized.slice(0, 5).join(', ')}${result.initialized.length > 5 ? ', ...' : ''})` : ''}`,
      );
    for (const w of result.warnings) io.err(`warning: ${w}`);
    await writeReport(output, deployed, io);
  });
}
