/**
 * Inference latency of one onnxruntime session on random input: warm-up runs first (allocator,
 * kernel selection), then timed runs until both a minimum count and a minimum time are reached.
 * p50/p95 are nearest-rank percentiles of the per-run wall times; images/s is batch / p50.
 * CPU time per image (the process's user + system time over the timed runs, all threads, divided by
 * the images run) stays comparable on a loaded machine, where wall time mostly measures scheduling.
 */
import * as ort from 'onnxruntime-node';
import { toFloat16Array } from '../../core/quant/fp16';

export interface InferBenchOptions {
  batch: number;
  warmup: number;
  /** At least this many timed runs... */
  minRuns: number;
  /** ...and at least this long in total (ms). */
  minMs: number;
  /** Give up adding runs after this long (ms), even below minRuns (a very slow model). */
  maxMs: number;
}

export interface InferBenchResult {
  batch: number;
  p50Ms: number;
  p95Ms: number;
  imagesPerSecond: number;
  runs: number;
  /** Process CPU time (ms, all threads) per image over the timed runs. */
  cpuMsPerImage: number;
}

/** Nearest-rank percentile (q in (0, 100]) of unsorted samples. */
export function percentile(samples: readonly number[], q: number): number {
  if (samples.length === 0) throw new RangeError('no samples');
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((q / 100) * s.length) - 1))]!;
}

/** A float32 (or float16 for a half-precision input) random tensor in [-1, 1). */
export function randomInput(dtype: 'float32' | 'float16', dims: number[]): ort.Tensor {
  const n = dims.reduce((a, d) => a * d, 1);
  const values = Float32Array.from({ length: n }, () => Math.random() * 2 - 1);
  if (dtype === 'float32') return new ort.Tensor('float32', values, dims);
  return new ort.Tensor('float16', toFloat16Array(values), dims);
}

export async function benchInference(session: ort.InferenceSession, input: ort.Tensor, o: InferBenchOptions): Promise<InferBenchResult> {
  const feeds = { [session.inputNames[0]!]: input };
  const fetch = [session.outputNames[0]!];
  for (let i = 0; i < o.warmup; i++) await session.run(feeds, fetch);
  const times: number[] = [];
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  for (;;) {
    const elapsed = performance.now() - start;
    if ((times.length >= o.minRuns && elapsed >= o.minMs) || (times.length > 0 && elapsed >= o.maxMs)) break;
    const t0 = performance.now();
    await session.run(feeds, fetch);
    times.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  const p50 = percentile(times, 50);
  return {
    batch: o.batch,
    p50Ms: p50,
    p95Ms: percentile(times, 95),
    imagesPerSecond: (o.batch * 1000) / p50,
    runs: times.length,
    cpuMsPerImage: (cpu.user + cpu.system) / 1000 / (times.length * o.batch),
  };
}
