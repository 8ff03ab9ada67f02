#!/usr/bin/env node
// Train-step throughput: CNN Studio (onnxruntime-node, CPU) vs PyTorch (/usr/bin/python3, Debian
// python3-torch) on the same architectures, 2 threads each, SGD momentum 0.9, cross-entropy, random
// data. Runs are interleaved (studio, torch, studio, torch, ...) so machine load hits both alike;
// the median of the rounds is reported.
//   node bench/train-compare.mjs [--rounds 3] [--steps 20] [--warmup 10] [--threads 2] [--models lenet5,resnet18,googlenet,mobilenet_v2] [--python /usr/bin/python3] [--json out.json]
// (LeNet-5 runs 25x the steps and 5x the warm-up: its steps take milliseconds.)
// Besides images/s (wall clock), it reports process CPU time per step for both sides, which is the
// fairer figure on a loaded machine (PyTorch's OpenMP threads degrade most under oversubscription),
// the ratio of each side's best round, the median of the per-round ratios ("paired"), and the
// highest 1-minute load average seen before a run.
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { median } from './median.mjs';
import path from 'node:path';
import os from 'node:os';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const rounds = Number(arg('rounds', '3'));
const steps = Number(arg('steps', '20'));
const python = arg('python', '/usr/bin/python3');
const jsonOut = arg('json', undefined);
const threads = arg('threads', '2');
// Untimed steps before timing, the same count on both sides: steady-state speed is what an epoch sees
// (LeNet-5's first tens of steps are slower on both: allocator growth, caches, JIT).
const warmup = arg('warmup', '10');

const only = arg('models', undefined)?.split(',');
const ALL_MODELS = [
  { id: 'lenet5', label: 'LeNet-5 1x28x28 b64', project: 'template:lenet5:1x28x28:10', batch: 64, steps: steps * 25, warmup: Number(warmup) * 5 },
  { id: 'resnet18', label: 'ResNet-18 3x32x32 b64', project: 'template:resnet18:3x32x32:10', batch: 64, steps },
  { id: 'googlenet', label: 'GoogLeNet 3x64x64 b32', project: 'template:googlenet:3x64x64:10', batch: 32, steps },
  // Depthwise convs (groups = channels) are where onnxruntime and PyTorch differ most.
  { id: 'mobilenet_v2', label: 'MobileNetV2 3x64x64 b32', project: 'template:mobilenet_v2:3x64x64:10', batch: 32, steps },
];

const MODELS = ALL_MODELS.filter((m) => !only || only.includes(m.id));

execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--only=node', '--quiet'], { stdio: 'inherit' });

function studio(m) {
  const r = spawnSync(
    process.execPath,
    [
      path.join(root, 'bin/cnn-studio.cjs'),
      'bench',
      'train-step',
      m.project,
      '--batch',
      String(m.batch),
      '--steps',
      String(m.steps),
      '--threads',
      threads,
      '--warmup',
      String(m.warmup ?? warmup),
      '--json',
      '--cpu-time',
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`cnn-studio bench failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

function torch(m) {
  const r = spawnSync(
    python,
    [path.join(root, 'bench/train_pytorch.py'), '--threads', threads, '--steps', String(m.steps), '--warmup', String(m.warmup ?? warmup), m.id],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`PyTorch bench failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const results = [];
for (const m of MODELS) {
  const s = [];
  const t = [];
  const sc = [];
  const tc = [];
  const loads = [];
  for (let i = 0; i < rounds; i++) {
    loads.push(os.loadavg()[0]);
    const a = studio(m);
    loads.push(os.loadavg()[0]);
    const b = torch(m);
    s.push(a.imagesPerSecond);
    t.push(b.imagesPerSecond);
    sc.push(a.cpuMsPerStep);
    tc.push(b.cpuMsPerStep);
  }
  const row = {
    model: m.label,
    threads: Number(threads),
    studio: median(s),
    pytorch: median(t),
    ratio: median(s) / median(t),
    studioCpuMs: median(sc),
    pytorchCpuMs: median(tc),
    cpuRatio: median(tc) / median(sc),
    studioRounds: s,
    pytorchRounds: t,
    studioBest: Math.max(...s),
    pytorchBest: Math.max(...t),
    bestRatio: Math.max(...s) / Math.max(...t),
    load: Math.max(...loads),
    loads,
    // Each round's studio run and PyTorch run follow each other within seconds, so their ratio
    // shares that minute's machine load; its median is less swayed by load drifting between rounds.
    pairedRatio: median(s.map((x, i) => x / t[i])),
  };
  results.push(row);
  console.log(
    `${m.label.padEnd(24)} studio ${row.studio.toFixed(1).padStart(8)} img/s   pytorch ${row.pytorch.toFixed(1).padStart(8)} img/s   ratio ${row.ratio.toFixed(2)}x   | CPU ms/step ${row.studioCpuMs.toFixed(1)} vs ${row.pytorchCpuMs.toFixed(1)}: ${row.cpuRatio.toFixed(2)}x   best ${row.bestRatio.toFixed(2)}x   paired ${row.pairedRatio.toFixed(2)}x (load <= ${row.load.toFixed(1)})`,
  );
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ date: new Date().toISOString(), cpus: os.cpus().length, results }, null, 2));
