/**
 * The deploy report written beside an export (`<file>.report.json`) and shown in the Export tab:
 * the same trained model as fp32, int8 and (where a GPU provider loads) fp16, each with its file
 * size, held-out accuracy, top-1 agreement with fp32, batch-1 latency and batch-32 throughput.
 */

export type Precision = 'fp32' | 'int8' | 'fp16';
export const PRECISIONS: readonly Precision[] = ['fp32', 'int8', 'fp16'];

export const DEPLOY_REPORT_FORMAT = 'cnn-studio-deploy-report';

export interface DeployRow {
  precision: Precision;
  /** Where the timings ran: 'cpu', or the GPU provider (fp16). */
  device: string;
  /** Size of the encoded ONNX file. */
  bytes: number;
  /** Top-1 accuracy on the held-out images (null: no held-out images). */
  accuracy: number | null;
  /** Fraction of held-out images whose top-1 class equals fp32's (1 for fp32 itself). */
  agreement: number | null;
  /** Batch 1 latency, ms. */
  latencyP50Ms: number;
  latencyP95Ms: number;
  /** Images per second at batch 32 (32 / median batch time). */
  throughputB32: number;
}

export interface DeployReport {
  format: typeof DEPLOY_REPORT_FORMAT;
  version: 1;
  /** The exported file's name (the report sits beside it). */
  file: string;
  /** The precision of that file (its row in `rows`). */
  precision: Precision;
  createdAt: string;
  /** CPU model and the onnxruntime threads the timings used. */
  machine: { cpu: string; threads: number; onnxruntime: string };
  heldOut: { dir: string; split: string; images: number } | null;
  calibration: { images: number; method: string } | null;
  rows: DeployRow[];
  /** Why a row is missing or what a figure means (e.g. no GPU provider for fp16). */
  notes: string[];
}
