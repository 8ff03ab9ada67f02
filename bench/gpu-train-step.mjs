#!/usr/bin/env node
// GPU train-step throughput: CNN Studio (`cnn-studio bench train-step --device webgpu|cuda`) vs
// PyTorch CUDA (bench/train_pytorch.py --device cuda) on the same card, same architectures, batch
// sizes, SGD momentum 0.9, cross-entropy, random data (as bench/train-compare.mjs on the CPU).
// Runs are interleaved (studio, torch, studio, ...) and the median of the rounds is reported.
//   node bench/gpu-train-step.mjs [--device webgpu|cuda] [--rounds 3] [--steps 50] [--models lenet5,resnet18,googlenet] [--python python3] [--json out.json]
// Needs: an NVIDIA GPU with a PyTorch CUDA build for the reference column; for --device cuda also
// `npm run setup:cuda`, CUDA 12 and cuDNN 9 (`cnn-studio devices` says what is missing). Prints a
// Markdown table for BENCHMARKS.md, with the GPU, the studio's adapter and self-test verdict.
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import os from 'node:os';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const device = arg('device', 'webgpu');
const rounds = Number(arg('rounds', '3'));
const steps = Number(arg('steps', '50'));
const python = arg('python', 'python3');
const jsonOut = arg('json', undefined);
if (!['webgpu', 'cuda'].includes(device)) throw new Error(`--device must be webgpu or cuda, got ${device}`);

const ALL_MODELS = [
  { id: 'lenet5', label: 'LeNet-5 1x28x28 b64', project: 'template:lenet5:1x28x28:10', batch: 64 },
  { id: 'resnet18', label: 'ResNet-18 3x32x32 b64', project: 'template:resnet18:3x32x32:10', batch: 64 },
  { id: 'googlenet', label: 'GoogLeNet 3x64x64 b32', project: 'template:googlenet:3x64x64:10', batch: 32 },
];
const only = arg('models', undefined)?.split(',');
const MODELS = ALL_MODELS.filter((m) => !only || only.includes(m.id));

execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--only=node', '--quiet'], { stdio: 'inherit' });
const cli = path.join(root, 'bin/cnn-studio.cjs');

const devices = JSON.parse(execFileSync(process.execPath, [cli, 'devices', '--json'], { encoding: 'utf8' }));
const provider = devices.find((d) => d.name === device);
console.log(
  `${device}: ${provider?.available ? 'loads' : `does not load (${provider?.reason})`}; adapter: ${provider?.adapter ?? '?'}${provider?.software ? ' [software]' : ''}`,
);
if (provider?.selfTest) console.log(`self-test: ${provider.selfTest.message}`);

// WebGPU keeps weights on the GPU between steps; CNN_STUDIO_WEBGPU_RESIDENT=0 (the host-fed column) does not.
function studio(m, hostFed = false) {
  const env = hostFed ? { ...process.env, CNN_STUDIO_WEBGPU_RESIDENT: '0' } : process.env;
  const r = spawnSync(
    process.execPath,
    [cli, 'bench', 'train-step', m.project, '--batch', String(m.batch), '--steps', String(steps), '--device', device, '--json'],
    { encoding: 'utf8', env },
  );
  if (r.status !== 0) return { error: (r.stderr.trim().split('\n').pop() ?? '').slice(0, 200) };
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

function torch(m) {
  const r = spawnSync(python, [path.join(root, 'bench/train_pytorch.py'), '--device', 'cuda', '--batch', String(m.batch), '--steps', String(steps), m.id], {
    encoding: 'utf8',
  });
  if (r.status !== 0) return { error: (r.stderr.trim().split('\n').pop() ?? '').slice(0, 200) };
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const median = (xs) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : NaN);
const results = [];
for (const m of MODELS) {
  const s = [];
  const h = [];
  const t = [];
  let studioNote = '';
  let torchNote = '';
  let gpu = '';
  for (let i = 0; i < rounds; i++) {
    const a = studio(m);
    if (a.error) studioNote = a.error;
    else if (a.device !== device) studioNote = `ran on ${a.device}: ${a.fallbackReason}`;
    else s.push(a.msPerStep);
    if (device === 'webgpu') {
      const c = studio(m, true);
      if (!c.error && c.device === device) h.push(c.msPerStep);
    }
    const b = torch(m);
    if (b.error) torchNote = b.error;
    else {
      t.push(b.msPerStep);
      gpu = b.gpu;
    }
  }
  results.push({ model: m.label, batch: m.batch, studioMs: median(s), hostFedMs: median(h), torchMs: median(t), studioNote, torchNote, gpu });
}

const f = (x) => (Number.isFinite(x) ? x.toFixed(2) : '-');
const ips = (ms, b) => (Number.isFinite(ms) ? ((b * 1000) / ms).toFixed(0) : '-');
console.log(
  `\n${results.find((r) => r.gpu)?.gpu ?? 'GPU ?'}; ${os.cpus()[0]?.model ?? ''}; median of ${rounds}, ${steps} steps each; load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}\n`,
);
console.log(
  `| model | studio ${device} ms/step | studio images/s | studio host-fed ms/step | PyTorch CUDA ms/step | PyTorch images/s | studio / PyTorch time |`,
);
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const r of results) {
  console.log(
    `| ${r.model} | ${f(r.studioMs)} | ${ips(r.studioMs, r.batch)} | ${f(r.hostFedMs)} | ${f(r.torchMs)} | ${ips(r.torchMs, r.batch)} | ${Number.isFinite(r.studioMs / r.torchMs) ? `${(r.studioMs / r.torchMs).toFixed(1)}x` : '-'} |`,
  );
}
for (const r of results) {
  if (r.studioNote) console.log(`${r.model}: studio: ${r.studioNote}`);
  if (r.torchNote) console.log(`${r.model}: PyTorch: ${r.torchNote}`);
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ device, adapter: provider?.adapter, selfTest: provider?.selfTest, results }, null, 2));
