/**
 * cnn-studio bench infer MODEL.onnx|RUN_DIR [--batch B] [--threads T] [--device D] [--json]:
 * inference latency (p50/p95 of session.run after warm-up) and images/s of an ONNX model
 * (fp32, int8 or fp16 export; a run folder's model.onnx) on random input.
 */
import { statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import * as ort from 'onnxruntime-node';
import { OnnxFormatError } from '../../core/onnx/errors';
import { encodeModel } from '../../core/onnx/proto';
import { loadOnnxModel } from '../onnx/load-model';
import { benchInference, randomInput } from '../deploy/bench-infer';
import { openSession } from '../deploy/report';
import { CliError, type CliIO } from './io';
import { DEVICE_HELP, parseDeviceFlag, selectCliDevice } from './device-flag';

interface InferFlags {
  batch: string;
  threads: string;
  device: string;
  warmup: string;
  runs: string;
  seconds: string;
  json?: boolean;
}

function whole(flag: string, v: string, min = 1): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new CliError(`${flag}: "${v}" is not a whole number >= ${min}`);
  return n;
}

/** A run folder means its model.onnx. */
function modelFile(target: string): string {
  const st = statSync(target, { throwIfNoEntry: false });
  if (!st) throw new CliError(`${target}: no such file or folder`);
  if (!st.isDirectory()) return target;
  const file = path.join(target, 'model.onnx');
  if (!statSync(file, { throwIfNoEntry: false })?.isFile())
    throw new CliError(`${target}: a folder to benchmark must be a training run folder with a model.onnx; none found`);
  return file;
}

/** [C, H, W] (or whatever follows the batch) and the input element type, refusing what random input cannot feed. */
function inputOf(file: string, model: Awaited<ReturnType<typeof loadOnnxModel>>['model'], batch: number): { dims: number[]; dtype: 'float32' | 'float16' } {
  const input = model.graph.inputs.find((v) => !model.graph.initializers.some((t) => t.name === v.name));
  if (!input) throw new CliError(`${file}: the model has no input`);
  if (input.dtype !== 'float32' && input.dtype !== 'float16')
    throw new CliError(`${file}: input "${input.name}" is ${input.dtype}; bench infer feeds float32 or float16 images`);
  const rest = input.shape.slice(1);
  if (rest.some((d) => typeof d !== 'number' || d < 1))
    throw new CliError(`${file}: input "${input.name}" has shape [${input.shape.join(', ')}]; bench infer needs fixed sizes after the batch dimension`);
  const b = input.shape[0];
  if (typeof b === 'number' && b !== batch) throw new CliError(`${file}: the model's batch size is fixed at ${b}; pass --batch ${b}`);
  return { dims: rest as number[], dtype: input.dtype };
}

export function registerBenchInfer(bench: Command, io: CliIO): void {
  bench
    .command('infer')
    .description('inference latency (p50/p95 after warm-up) and images/s of an ONNX model on random input')
    .argument('<model>', 'an .onnx file (fp32, int8 or fp16 export) or a training run folder (its model.onnx)')
    .option('--batch <B>', 'batch size', '1')
    .option('--threads <T>', 'CPU threads for onnxruntime', '2')
    .option('--device <D>', DEVICE_HELP, 'cpu')
    .option('--warmup <W>', 'untimed runs first', '5')
    .option('--runs <N>', 'at least this many timed runs', '30')
    .option('--seconds <S>', 'and at least this long in total', '2')
    .option('--json', 'print one JSON line {model, batch, threads, device, p50Ms, p95Ms, imagesPerSecond, runs, cpuMsPerImage, cpu}')
    .action(async (target: string, o: InferFlags) => {
      const batch = whole('--batch', o.batch);
      const threads = whole('--threads', o.threads);
      const warmup = whole('--warmup', o.warmup, 0);
      const runs = whole('--runs', o.runs);
      const seconds = Number(o.seconds);
      if (!(seconds >= 0)) throw new CliError(`--seconds: "${o.seconds}" is not a number >= 0`);
      const file = modelFile(target);
      let loaded;
      try {
        loaded = await loadOnnxModel(file);
      } catch (e) {
        if (e instanceof OnnxFormatError) throw new CliError(e.message);
        throw e;
      }
      const { dims, dtype } = inputOf(file, loaded.model, batch);
      const { device } = await selectCliDevice(parseDeviceFlag(o.device, 'cpu'), io, 'benchmarking');
      let session: ort.InferenceSession;
      try {
        session = await openSession(encodeModel(loaded.model), device, threads);
      } catch (e) {
        throw new CliError(`${file}: onnxruntime cannot load the model on ${device}: ${(e as Error).message.split('\n')[0]}`);
      }
      try {
        const r = await benchInference(session, randomInput(dtype, [batch, ...dims]), {
          batch,
          warmup,
          minRuns: runs,
          minMs: seconds * 1000,
          maxMs: Math.max(seconds * 1000, 60_000),
        });
        const cpu = os.cpus()[0]?.model.trim() ?? 'unknown';
        if (o.json)
          io.out(
            JSON.stringify({
              model: file,
              batch,
              threads,
              device,
              p50Ms: r.p50Ms,
              p95Ms: r.p95Ms,
              imagesPerSecond: r.imagesPerSecond,
              runs: r.runs,
              cpuMsPerImage: r.cpuMsPerImage,
              cpu,
            }),
          );
        else
          io.out(
            `${path.basename(file)}: batch ${batch}, p50 ${r.p50Ms.toFixed(3)} ms, p95 ${r.p95Ms.toFixed(3)} ms, ${r.imagesPerSecond.toFixed(1)} images/s (${r.runs} runs after ${warmup} warm-up, ${device}, ${threads} threads, ${cpu})`,
          );
      } catch (e) {
        throw new CliError(`${file}: the model failed to run on ${device}: ${(e as Error).message.split('\n')[0]}`);
      } finally {
        await session.release();
      }
    });
}
