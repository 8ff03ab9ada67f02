/**
 * Inference throughput: the studio's ONNX exports in onnxruntime-node (CPU) side by side with the
 * same architectures in PyTorch (bench/inference_torch.py) on the same machine and thread count.
 *   node bench/run-ts.mjs bench/inference.ts [--threads 2] [--seconds 5] [--batches 1,64] [--no-torch] [--json]
 * Models: LeNet-5 (1x28x28, 10 classes) and ResNet-18 (3x224x224, 1000 classes), freshly
 * initialised; timings are medians of session.run / model(x) on random input, after warm-up.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { buildTemplate } from '../core/templates/index';
import { exportOnnx } from '../core/onnx/export';
import { encodeModel } from '../core/onnx/proto';

interface Row {
  runtime: string;
  model: string;
  batch: number;
  imagesPerSecond: number;
  msPerBatch: number;
  iterations: number;
  /** Process CPU time per image (all threads): less sensitive to other load than wall time. */
  cpuMsPerImage: number;
  params: number;
  threads: number;
  version: string;
}

function flag(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
}

const threads = Number(flag('--threads', '2'));
const seconds = Number(flag('--seconds', '5'));
const batches = flag('--batches', '1,64').split(',').map(Number);
const MODELS = [
  { name: 'lenet5', template: 'lenet5', input: [1, 28, 28] as [number, number, number], classes: 10 },
  { name: 'resnet18', template: 'resnet18', input: [3, 224, 224] as [number, number, number], classes: 1000 },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function ortSession(m: (typeof MODELS)[number]): Promise<{ session: ort.InferenceSession; params: number }> {
  const doc = buildTemplate(m.template, { input: m.input, classes: m.classes });
  const exported = exportOnnx(doc, { seed: 1 });
  const session = await ort.InferenceSession.create(encodeModel(exported.model), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  return { session, params: exported.paramCount };
}

async function ortRow(m: (typeof MODELS)[number], s: { session: ort.InferenceSession; params: number }, batch: number): Promise<Row> {
  const n = batch * m.input.reduce((a, b) => a * b, 1);
  const x = new ort.Tensor(
    'float32',
    Float32Array.from({ length: n }, () => Math.random() * 2 - 1),
    [batch, ...m.input],
  );
  const feeds = { input: x };
  for (let i = 0; i < 3; i++) await s.session.run(feeds, ['logits']);
  const times: number[] = [];
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  while (times.length < 5 || performance.now() - start < seconds * 1000) {
    const t0 = performance.now();
    await s.session.run(feeds, ['logits']);
    times.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  const ms = median(times);
  const cpuMsPerImage = (cpu.user + cpu.system) / 1000 / (times.length * batch);
  return {
    runtime: 'onnxruntime-node',
    model: m.name,
    batch,
    imagesPerSecond: (batch * 1000) / ms,
    msPerBatch: ms,
    iterations: times.length,
    cpuMsPerImage,
    params: s.params,
    threads,
    version: ort.env.versions.common,
  };
}

/** One PyTorch measurement right after the matching onnxruntime one, so both see the same machine load. */
function torchRow(model: string, batch: number): Row | null {
  const script = path.join(process.cwd(), 'bench', 'inference_torch.py');
  const r = spawnSync('/usr/bin/python3', [script, '--threads', String(threads), '--seconds', String(seconds), '--batches', String(batch), model], {
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    console.error(`PyTorch side skipped: ${(r.stderr || r.error?.message || 'failed').trim().split('\n').pop()}`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Row;
}

async function main(): Promise<void> {
  const ortR: Row[] = [];
  const torchR: Row[] = [];
  const withTorch = !process.argv.includes('--no-torch');
  const load0 = os.loadavg()[0]!;
  for (const m of MODELS) {
    const s = await ortSession(m);
    for (const batch of batches) {
      ortR.push(await ortRow(m, s, batch));
      const t = withTorch ? torchRow(m.name, batch) : null;
      if (t) torchR.push(t);
    }
    await s.session.release();
  }
  const load1 = os.loadavg()[0]!;
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify([...ortR, ...torchR], null, 2));
    return;
  }
  const lines = [
    `Inference throughput, CPU (${os.cpus()[0]?.model ?? '?'}, ${os.cpus().length} cores, load average ${load0.toFixed(1)} -> ${load1.toFixed(1)}), ${threads} threads,`,
    `onnxruntime-node ${ort.env.versions.common}${torchR[0] ? `, PyTorch ${torchR[0].version}` : ''}; images/s (median batch time); each PyTorch row measured right after its onnxruntime row`,
    '',
    '| model | params | batch | onnxruntime-node (studio export) | PyTorch (eval, inference_mode) | ratio ORT / PyTorch | CPU ms/image ORT / PyTorch |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const o of ortR) {
    const t = torchR.find((x) => x.model === o.model && x.batch === o.batch);
    const fmt = (r: Row) => `${r.imagesPerSecond.toFixed(r.imagesPerSecond < 100 ? 1 : 0)} (${r.msPerBatch.toFixed(2)} ms)`;
    const params =
      t && t.params !== o.params ? `${o.params.toLocaleString('en-US')} (PyTorch ${t.params.toLocaleString('en-US')})` : o.params.toLocaleString('en-US');
    const cpu = (r: Row) => r.cpuMsPerImage.toFixed(r.cpuMsPerImage < 1 ? 3 : 1);
    lines.push(
      `| ${o.model} | ${params} | ${o.batch} | ${fmt(o)} | ${t ? fmt(t) : '-'} | ${t ? `${(o.imagesPerSecond / t.imagesPerSecond).toFixed(2)}x` : '-'} | ${cpu(o)} / ${t ? cpu(t) : '-'} |`,
    );
  }
  console.log(lines.join('\n'));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exitCode = 1;
});
