/**
 * The deployment flags of `cnn-studio export`: --quantize int8 (static QDQ, calibrated), --precision
 * fp16 (--io fp16), the calibration options and the deploy report written beside the file.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { Precision } from '../../core/deploy/report';
import { CALIBRATION_METHODS, type CalibrationMethod } from '../../core/quant/calibrate';
import type { Model } from '../../core/onnx/ir';
import { DatasetError } from '../data/errors';
import { atomicWrite } from '../fs/atomic-write';
import { plainFsError } from '../fs/user-paths';
import { DeployDataError, type DeployDataSpec } from '../deploy/deploy-data';
import { DEFAULT_CALIBRATION_IMAGES, deployExport, DeployError, REPORT_HELD_OUT_IMAGES, type DeployResult } from '../deploy/pipeline';
import { QuantizeError } from '../../core/quant/qdq';
import { PreprocessError, withPreprocessing } from '../../core/quant/preprocess-graph';
import { deployPreprocessing, runDataSpec, type DeployPreprocessing } from '../deploy/run-data';
import { wholeFlag } from './whole-flag';
import { CliError, type CliIO } from './io';
import { DEVICE_HELP, parseDeviceFlag, selectCliDevice } from './device-flag';
import type { DeploySettings } from '../onnx/project-weights';
import { selectDevice, type SelectedDevice } from '../trainer/device';

export interface DeployFlags {
  quantize?: string;
  precision?: string;
  io?: string;
  calibration?: string;
  calibrationImages?: string;
  calibrationMethod?: string;
  report?: boolean;
  reportDevice?: string;
  threads?: string;
  withPreprocessing?: boolean;
}

export interface DeployChoice {
  precision: Precision;
  io: 'float32' | 'float16';
  calibrationImages: number;
  calibrationMethod: CalibrationMethod;
  calibrationDir: string | null;
  report: boolean;
  threads: number;
  withPreprocessing: boolean;
}

export function addDeployOptions(cmd: Command): Command {
  return cmd
    .option(
      '--quantize <type>',
      'int8: static post-training quantization in QDQ form (int8 per-channel weights, uint8 activations calibrated on training images; batch norm folded first)',
    )
    .option('--precision <p>', 'fp32 (default) or fp16 (weights and compute in half precision, for GPU targets)')
    .option('--io <type>', 'with --precision fp16: fp32 (default) keeps a float32 input and outputs; fp16 makes them half too')
    .option('--calibration <DIR>', "int8: image folder to calibrate on (default: the run's training images)")
    .option('--calibration-images <N>', `int8: calibration images (default ${DEFAULT_CALIBRATION_IMAGES})`)
    .option('--calibration-method <m>', `int8: ${CALIBRATION_METHODS.join(' | ')} (default minmax)`)
    .option('--no-report', 'do not write <file>.report.json (fp32 vs int8 vs fp16: size, held-out accuracy, agreement, latency)')
    .option('--report-device <D>', `the report's fp16 row: ${DEVICE_HELP}; default auto (fp16 is measured only on a GPU provider)`)
    .option(
      '--with-preprocessing',
      "input uint8 N x H x W x C (decoded, resized pixels); cast, normalisation (the run's mean/std) and NCHW transpose inside the model",
    )
    .option('--threads <N>', 'CPU threads for calibration and the report timings (default 2)');
}

export function parseDeployFlags(o: DeployFlags): DeployChoice {
  if (o.quantize !== undefined && o.quantize !== 'int8') throw new CliError(`--quantize: "${o.quantize}" is not supported (use int8)`);
  if (o.precision !== undefined && o.precision !== 'fp32' && o.precision !== 'fp16')
    throw new CliError(`--precision: "${o.precision}" is not one of fp32, fp16`);
  if (o.quantize && o.precision === 'fp16') throw new CliError('--quantize int8 and --precision fp16 exclude each other: choose one');
  if (o.io !== undefined && o.io !== 'fp32' && o.io !== 'fp16') throw new CliError(`--io: "${o.io}" is not one of fp32, fp16`);
  if (o.io === 'fp16' && o.precision !== 'fp16') throw new CliError('--io fp16 needs --precision fp16');
  if (o.io === 'fp16' && o.withPreprocessing) throw new CliError('--with-preprocessing takes uint8 pixels in: it does not go with --io fp16');
  const method = o.calibrationMethod ?? 'minmax';
  if (!(CALIBRATION_METHODS as readonly string[]).includes(method))
    throw new CliError(`--calibration-method: "${method}" is not one of ${CALIBRATION_METHODS.join(', ')}`);
  const int8Only = ['calibration', 'calibrationImages', 'calibrationMethod'] as const;
  const stray = int8Only.find((k) => o[k] !== undefined);
  if (stray && !o.quantize && o.report === false)
    throw new CliError(`--${stray.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} is for --quantize int8 (or the report's int8 row)`);
  return {
    precision: o.quantize ? 'int8' : o.precision === 'fp16' ? 'fp16' : 'fp32',
    io: o.io === 'fp16' ? 'float16' : 'float32',
    calibrationImages: wholeFlag('--calibration-images', o.calibrationImages) ?? DEFAULT_CALIBRATION_IMAGES,
    calibrationMethod: method as CalibrationMethod,
    calibrationDir: o.calibration ?? null,
    report: o.report !== false,
    threads: wholeFlag('--threads', o.threads) ?? 2,
    withPreprocessing: o.withPreprocessing === true,
  };
}

async function calibrationSpec(choice: DeployChoice, runData: DeployDataSpec | null, base: DeployPreprocessing): Promise<DeployDataSpec | null> {
  if (choice.calibrationDir === null) return runData;
  const st = await fs.stat(choice.calibrationDir).catch(() => null);
  if (!st?.isDirectory()) throw new CliError(`--calibration: ${choice.calibrationDir} is not a folder of images`);
  return { ...base, dir: choice.calibrationDir, valSplit: 0, seed: 0 };
}

/** The GPU the report's fp16 row runs on: auto (default) chooses quietly, an explicit choice warns on a fallback. */
async function reportDevice(flag: string | undefined, io: CliIO): Promise<SelectedDevice> {
  const choice = parseDeviceFlag(flag, 'auto');
  return flag === undefined ? selectDevice(choice) : selectCliDevice(choice, io, "the report's fp16 row");
}

export interface DeployContext {
  /** The run folder exported (its data gives calibration and held-out images), or null for a project. */
  runDir: string | null;
  deploy: DeploySettings;
  output: string;
  flags: DeployFlags;
}

/** The model the file holds (fp32 as given, or int8/fp16 of `folded`) and the report, if any. */
export async function runDeploy(ctx: DeployContext, choice: DeployChoice, folded: Model, fp32File: Model, io: CliIO): Promise<DeployResult> {
  const base = deployPreprocessing(folded.graph.inputs[0]!.shape, ctx.deploy);
  const runData = await runDataSpec(ctx.runDir, base);
  const calibrationData = await calibrationSpec(choice, runData, base);
  const gpu = choice.report ? await reportDevice(ctx.flags.reportDevice, io) : { device: 'cpu' as const, fallbackReason: null };
  try {
    return await deployExport(folded, {
      precision: choice.precision,
      io: choice.io,
      calibrationImages: choice.calibrationImages,
      calibrationMethod: choice.calibrationMethod,
      calibrationData,
      heldOutData: runData,
      report: choice.report,
      heldOutImages: REPORT_HELD_OUT_IMAGES,
      threads: choice.threads,
      gpu: gpu.device === 'cpu' ? null : gpu.device,
      ...(gpu.fallbackReason ? { gpuMissing: gpu.fallbackReason.split('. ')[0]! } : {}),
      file: path.basename(ctx.output),
      fp32File,
    });
  } catch (e) {
    if (e instanceof DeployError || e instanceof QuantizeError || e instanceof DeployDataError || e instanceof DatasetError) throw new CliError(e.message);
    throw e;
  }
}

/** The file's model with preprocessing baked in (--with-preprocessing), else as it is. */
export function finalModel(model: Model, choice: DeployChoice, deploy: DeploySettings): Model {
  if (!choice.withPreprocessing) return model;
  const pre = deployPreprocessing(model.graph.inputs[0]!.shape, deploy);
  try {
    return withPreprocessing(model, pre.mean, pre.std);
  } catch (e) {
    if (e instanceof PreprocessError) throw new CliError(e.message);
    throw e;
  }
}

export async function writeReport(output: string, result: DeployResult, io: CliIO): Promise<void> {
  if (!result.report) return;
  const file = `${output}.report.json`;
  try {
    await atomicWrite(file, `${JSON.stringify(result.report, null, 2)}\n`);
  } catch (e) {
    throw new CliError(`${file}: cannot write (${plainFsError(e)})`);
  }
  io.out(`report: ${file}`);
  for (const r of result.report.rows) {
    const acc = r.accuracy === null ? 'accuracy -' : `accuracy ${(r.accuracy * 100).toFixed(2)}%, agreement ${((r.agreement ?? 0) * 100).toFixed(2)}%`;
    io.out(
      `  ${r.precision.padEnd(4)} ${r.device}: ${(r.bytes / 1024).toFixed(0)} KiB, ${acc}, batch 1 p50 ${r.latencyP50Ms.toFixed(2)} ms (p95 ${r.latencyP95Ms.toFixed(2)}), batch 32 ${r.throughputB32.toFixed(0)} images/s`,
    );
  }
  for (const n of result.report.notes) io.out(`  note: ${n}`);
}
