/**
 * Deployment inference: the studio's fp32 and int8 exports (bench infer's measurement,
 * main/deploy/bench-infer.ts) against PyTorch's eval mode (bench/inference_torch.py) on the same
 * architecture, interleaved round by round so all three see the same machine load.
 *   node bench/run-ts.mjs bench/deploy-infer.ts [--threads 2] [--seconds 2] [--rounds 3] [--batches 1,32] [--models lenet5,resnet18] [--no-torch] [--json]
 * Models: LeNet-5 1x28x28 and ResNet-18 3x64x64, 10 classes, freshly initialised (seeded); the
 * int8 model is calibrated on 64 random N(0, 1) images (latency does not depend on the ranges).
 * Figures: median over rounds of each round's p50 (ms per batch) and images/s at that p50.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import type * as ort from 'onnxruntime-node';
import { exportOnnx } from '../core/onnx/export';
import { encodeModel } from '../core/onnx/proto';
import { buildTemplate } from '../core/templates/index';
import { benchInference, randomInput } from '../main/deploy/bench-infer';
import { quantizeInt8 } from '../main/deploy/pipeline';
import { openSession } from '../main/deploy/report';

function flag(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
}

const threads = Number(flag('--threads', '2'));
const seconds = Number(flag('--seconds', '2'));
const rounds = Number(flag('--rounds', '3'));
const batches = flag('--batches', '1,32').split(',').map(Number);
const CATALOG = {
  lenet5: { template: 'lenet5', input: [1, 28, 28] as [number, number, number] },
  resnet18: { template: 'resnet18', input: [3, 64, 64] as [number, number, number] },
};
type ModelName = keyof typeof CATALOG;
const models = flag('--models', 'lenet5,resnet18').split(',') as ModelName[];

interface Sample {
  runtime: 'studio fp32' | 'studio int8' | 'pytorch eval';
  model: string;
  batch: number;
  p50Ms: number;
  p95Ms: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function normal(n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
  return out;
}

async function sessions(name: ModelName): Promise<{ fp32: ort.InferenceSession; int8: ort.InferenceSession }> {
  const m = CATALOG[name];
  const fp32 = exportOnnx(buildTemplate(m.template, { input: m.input, classes: 10 }), { seed: 1, foldBatchNorm: true }).model;
  const per = m.input[0] * m.input[1] * m.input[2];
  const int8 = await quantizeInt8(fp32, { batches: [normal(64 * per)], shape: m.input, images: 64 }, 'minmax', threads);
  return { fp32: await openSession(encodeModel(fp32), 'cpu', threads), int8: await openSession(encodeModel(int8), 'cpu', threads) };
}

function torchSample(name: ModelName, batch: number): Sample | null {
  const script = path.join(process.cwd(), 'bench', 'inference_torch.py');
  const m = CATALOG[name];
  const args = [
    script,
    '--threads',
    String(threads),
    '--seconds',
    String(seconds),
    '--batches',
    String(batch),
    '--input',
    m.input.join('x'),
    '--classes',
    '10',
    name,
  ];
  const r = spawnSync('/usr/bin/python3', args, { encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`PyTorch side skipped: ${(r.stderr || r.error?.message || 'failed').trim().split('\n').pop()}`);
    return null;
  }
  const row = JSON.parse(r.stdout.trim().split('\n').pop()!) as { p50Ms: number; p95Ms: number };
  return { runtime: 'pytorch eval', model: name, batch, p50Ms: row.p50Ms, p95Ms: row.p95Ms };
}

async function studioSample(runtime: Sample['runtime'], s: ort.InferenceSession, name: ModelName, batch: number): Promise<Sample> {
  const r = await benchInference(s, randomInput('float32', [batch, ...CATALOG[name].input]), {
    batch,
    warmup: 5,
    minRuns: 10,
    minMs: seconds * 1000,
    maxMs: seconds * 5000,
  });
  return { runtime, model: name, batch, p50Ms: r.p50Ms, p95Ms: r.p95Ms };
}

async function main(): Promise<void> {
  const withTorch = !process.argv.includes('--no-torch');
  const load0 = os.loadavg()[0]!;
  const samples: Sample[] = [];
  for (const name of models) {
    const s = await sessions(name);
    for (let round = 0; round < rounds; round++) {
      for (const batch of batches) {
        samples.push(await studioSample('studio fp32', s.fp32, name, batch));
        samples.push(await studioSample('studio int8', s.int8, name, batch));
        const t = withTorch ? torchSample(name, batch) : null;
        if (t) samples.push(t);
      }
    }
    await s.fp32.release();
    await s.int8.release();
  }
  const load1 = os.loadavg()[0]!;
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(samples, null, 2));
    return;
  }
  const cpu = spawnSync('lscpu', [], { encoding: 'utf8' }).stdout.match(/Model name:\s*(.+)/)?.[1] ?? os.cpus()[0]?.model ?? '?';
  const lines = [
    `Deployment inference, ${cpu}, ${threads} threads, load average ${load0.toFixed(1)} -> ${load1.toFixed(1)}; ${rounds} interleaved rounds, median of the rounds' p50 (p95 in brackets), ms per batch`,
    '',
    '| model | batch | studio fp32 | studio int8 | PyTorch eval | int8 / fp32 latency | fp32 / PyTorch latency |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const name of models) {
    for (const batch of batches) {
      const of = (rt: Sample['runtime']) => samples.filter((x) => x.model === name && x.batch === batch && x.runtime === rt);
      const cell = (xs: Sample[]) => (xs.length ? `${median(xs.map((x) => x.p50Ms)).toFixed(2)} (${median(xs.map((x) => x.p95Ms)).toFixed(2)})` : '-');
      const ratio = (a: Sample[], b: Sample[]) =>
        a.length && b.length ? `${(median(a.map((x) => x.p50Ms)) / median(b.map((x) => x.p50Ms))).toFixed(2)}x` : '-';
      const [f, q, t] = [of('studio fp32'), of('studio int8'), of('pytorch eval')];
      lines.push(`| ${name} ${CATALOG[name].input.join('x')} | ${batch} | ${cell(f)} | ${cell(q)} | ${cell(t)} | ${ratio(q, f)} | ${ratio(f, t)} |`);
    }
  }
  console.log(lines.join('\n'));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exitCode = 1;
});
