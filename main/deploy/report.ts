/**
 * Measures the deploy report's rows (core/deploy/report.ts): for each variant of the model,
 * held-out accuracy and top-1 agreement with fp32 (argmax of `logits`), batch-1 latency p50/p95
 * and batch-32 throughput, on the CPU (fp32, int8) or the GPU provider (fp16).
 */
import os from 'node:os';
import * as ort from 'onnxruntime-node';
import type { Model } from '../../core/onnx/ir';
import { encodeModel } from '../../core/onnx/proto';
import { toFloat16Array } from '../../core/quant/fp16';
import { DEPLOY_REPORT_FORMAT, type DeployReport, type DeployRow, type Precision } from '../../core/deploy/report';
import { providerConfig } from '../providers/layout';
import type { Device } from '../trainer/ort-session';
import { benchInference, randomInput, type InferBenchOptions } from './bench-infer';
import type { HeldOutImages } from './deploy-data';

export interface Variant {
  precision: Precision;
  model: Model;
}

export interface ReportInput {
  file: string;
  precision: Precision;
  /** fp32 first: agreement is measured against it. */
  variants: Variant[];
  heldOut: (HeldOutImages & { dir: string }) | null;
  calibration: { images: number; method: string } | null;
  threads: number;
  /** The GPU provider fp16 runs on (null: fp16 is not measured). */
  gpu: Device | null;
  /** Why there is no GPU provider (the report's note). */
  gpuMissing?: string;
  /** Shorter timing runs (tests). */
  quick?: boolean;
}

const LATENCY: InferBenchOptions = { batch: 1, warmup: 5, minRuns: 30, minMs: 1000, maxMs: 5000 };
const THROUGHPUT: InferBenchOptions = { batch: 32, warmup: 2, minRuns: 8, minMs: 1000, maxMs: 10000 };
const QUICK = { minRuns: 3, minMs: 0, maxMs: 500 };

export async function openSession(bytes: Uint8Array, device: Device, threads: number): Promise<ort.InferenceSession> {
  const providers = (device === 'cpu' ? ['cpu'] : [providerConfig(device), 'cpu']) as ort.InferenceSession.ExecutionProviderConfig[];
  return ort.InferenceSession.create(bytes, {
    executionProviders: providers,
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    logSeverityLevel: 3,
  });
}

function inputDtype(model: Model): 'float32' | 'float16' {
  return model.graph.inputs[0]!.dtype === 'float16' ? 'float16' : 'float32';
}

/** Top-1 class per held-out image. */
async function predictions(session: ort.InferenceSession, model: Model, data: HeldOutImages): Promise<Int32Array> {
  const out = new Int32Array(data.images);
  const per = data.shape[0] * data.shape[1] * data.shape[2];
  const dtype = inputDtype(model);
  let k = 0;
  for (const b of data.batches) {
    const n = b.length / per;
    const x = dtype === 'float32' ? new ort.Tensor('float32', b, [n, ...data.shape]) : new ort.Tensor('float16', toFloat16Array(b), [n, ...data.shape]);
    const logits = (await session.run({ [session.inputNames[0]!]: x }, [session.outputNames[0]!]))[session.outputNames[0]!]!;
    const values = logits.data as ArrayLike<number>;
    const classes = values.length / n;
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < classes; c++) if (Number(values[i * classes + c]) > Number(values[i * classes + best])) best = c;
      out[k++] = best;
    }
  }
  return out;
}

function fraction(a: Int32Array, b: Int32Array): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return a.length ? same / a.length : 0;
}

async function measureRow(v: Variant, device: Device, input: ReportInput, fp32Top1: Int32Array | null): Promise<{ row: DeployRow; top1: Int32Array | null }> {
  const bytes = encodeModel(v.model);
  const session = await openSession(bytes, device, input.threads);
  try {
    const top1 = input.heldOut ? await predictions(session, v.model, input.heldOut) : null;
    const dims = v.model.graph.inputs[0]!.shape.slice(1).map(Number);
    const q = input.quick ? QUICK : {};
    const lat = await benchInference(session, randomInput(inputDtype(v.model), [1, ...dims]), { ...LATENCY, ...q });
    const thr = await benchInference(session, randomInput(inputDtype(v.model), [32, ...dims]), { ...THROUGHPUT, ...q });
    const row: DeployRow = {
      precision: v.precision,
      device,
      bytes: bytes.byteLength,
      accuracy: top1 && input.heldOut ? fraction(top1, input.heldOut.labels) : null,
      agreement: top1 ? fraction(top1, fp32Top1 ?? top1) : null,
      latencyP50Ms: lat.p50Ms,
      latencyP95Ms: lat.p95Ms,
      throughputB32: thr.imagesPerSecond,
    };
    return { row, top1 };
  } finally {
    await session.release();
  }
}

export async function buildDeployReport(input: ReportInput): Promise<DeployReport> {
  const rows: DeployRow[] = [];
  const notes: string[] = [];
  let fp32Top1: Int32Array | null = null;
  for (const v of input.variants) {
    const device: Device = v.precision === 'fp16' && input.gpu ? input.gpu : 'cpu';
    if (v.precision === 'fp16' && !input.gpu) continue;
    try {
      const r = await measureRow(v, device, input, fp32Top1);
      if (v.precision === 'fp32') fp32Top1 = r.top1;
      rows.push(r.row);
    } catch (e) {
      notes.push(`${v.precision} on ${device}: not measured (${(e as Error).message.split('\n')[0]})`);
    }
  }
  if (!input.gpu) notes.push(`fp16: not measured, no GPU provider here (fp16 is for GPU targets)${input.gpuMissing ? `: ${input.gpuMissing}` : ''}`);
  if (!input.heldOut) notes.push('no held-out images (the data has no test or validation split): accuracy and agreement are not measured');
  return {
    format: DEPLOY_REPORT_FORMAT,
    version: 1,
    file: input.file,
    precision: input.precision,
    createdAt: new Date().toISOString(),
    machine: { cpu: os.cpus()[0]?.model.trim() ?? 'unknown', threads: input.threads, onnxruntime: ort.env.versions.common },
    heldOut: input.heldOut ? { dir: input.heldOut.dir, split: input.heldOut.split, images: input.heldOut.images } : null,
    calibration: input.calibration,
    rows,
    notes,
  };
}
