/**
 * One deployment export: the float model (batch norm folded) -> the requested precision (int8
 * QDQ calibrated on training images, or fp16), and the deploy report comparing fp32, int8 and
 * fp16 on held-out images. Shared by `cnn-studio export` and the Export tab.
 */
import type { Model } from '../../core/onnx/ir';
import type { DeployReport, Precision } from '../../core/deploy/report';
import { planQdq, quantizeQdq } from '../../core/quant/qdq';
import { convertToFloat16 } from '../../core/quant/fp16';
import type { CalibrationMethod } from '../../core/quant/calibrate';
import { calibrateRanges, type CalibrationBatches } from './calibrate';
import { loadDeployImages, type DeployDataSpec } from './deploy-data';
import { buildDeployReport, type Variant } from './report';
import type { Device } from '../trainer/ort-session';

/** Calibration images by default (onnxruntime's quantizer and TensorRT suggest a few hundred). */
export const DEFAULT_CALIBRATION_IMAGES = 256;
/** Most held-out images the deploy report evaluates each variant on. */
export const REPORT_HELD_OUT_IMAGES = 2000;

export interface DeployOptions {
  precision: Precision;
  /** fp16 only: half-precision input and outputs too. */
  io: 'float32' | 'float16';
  calibrationImages: number;
  calibrationMethod: CalibrationMethod;
  /** Calibration images (the run's training data, or --calibration DIR); required for int8. */
  calibrationData: DeployDataSpec | null;
  /** Held-out images for the report (the run's data); null: the report has no accuracy. */
  heldOutData: DeployDataSpec | null;
  report: boolean;
  /** Most held-out images the report evaluates. */
  heldOutImages: number;
  threads: number;
  gpu: Device | null;
  gpuMissing?: string;
  file: string;
  /** The fp32 model as the file holds it (batch norm unfolded, maybe): the report's fp32 row. */
  fp32File?: Model;
  quickReport?: boolean;
}

export interface DeployResult {
  model: Model;
  report: DeployReport | null;
  calibration: { images: number; method: CalibrationMethod } | null;
}

export class DeployError extends Error {
  override readonly name = 'DeployError';
}

export async function quantizeInt8(fp32: Model, data: CalibrationBatches, method: CalibrationMethod, threads: number): Promise<Model> {
  const plan = planQdq(fp32);
  const ranges = await calibrateRanges(fp32, plan.toCalibrate, data, method, threads);
  return quantizeQdq(fp32, ranges);
}

/** The file says what it is (metadata `precision`), beside what predict reads. */
function withPrecision(model: Model, precision: Precision): Model {
  return { ...model, metadata: { ...model.metadata, precision } };
}

/** `fp32` must have its batch norms folded (int8 quantizes conv weights with the BN scale in them). */
export async function deployExport(fp32: Model, o: DeployOptions): Promise<DeployResult> {
  const needInt8 = o.precision === 'int8' || (o.report && o.calibrationData !== null);
  if (o.precision === 'int8' && !o.calibrationData)
    throw new DeployError('--quantize int8 needs calibration images: export a training run folder, or give --calibration DIR');
  const calib =
    needInt8 && o.calibrationData ? (await loadDeployImages(o.calibrationData, { calibration: o.calibrationImages, heldOut: 0 })).calibration : null;
  const int8 = calib ? withPrecision(await quantizeInt8(fp32, calib, o.calibrationMethod, o.threads), 'int8') : null;
  const fp16 = withPrecision(convertToFloat16(fp32, { io: o.io }), 'fp16');
  const model = o.precision === 'int8' ? int8! : o.precision === 'fp16' ? fp16 : fp32;
  const calibration = calib ? { images: calib.images, method: o.calibrationMethod } : null;
  if (!o.report) return { model, report: null, calibration };
  const heldOut = o.heldOutData ? (await loadDeployImages(o.heldOutData, { calibration: 0, heldOut: o.heldOutImages })).heldOut : null;
  // The report's fp16 row feeds float32 (io fp16 only changes the boundary, not the compute).
  const variants: Variant[] = [
    { precision: 'fp32', model: fp32 },
    ...(int8 ? [{ precision: 'int8' as const, model: int8 }] : []),
    { precision: 'fp16', model: o.io === 'float16' ? convertToFloat16(fp32) : fp16 },
  ];
  const report = await buildDeployReport({
    file: o.file,
    precision: o.precision,
    variants,
    heldOut: heldOut && o.heldOutData ? { ...heldOut, dir: o.heldOutData.dir } : null,
    calibration,
    threads: o.threads,
    gpu: o.gpu,
    ...(o.gpuMissing ? { gpuMissing: o.gpuMissing } : {}),
    ...(o.quickReport ? { quick: true } : {}),
  });
  if (!int8) report.notes.push('int8: no calibration images (export a run folder or give --calibration DIR), so it was not measured');
  return { model, report, calibration };
}
