#!/usr/bin/env node
// Inference per template: `cnn-studio bench infer` on the studio's ONNX export (fp32, and int8 from
// `export --quantize int8`) vs PyTorch eval (torch.inference_mode) of the same network with the same
// weights, 2 threads each, interleaved round by round (studio fp32, studio int8, PyTorch, next batch
// size, next round) so machine load hits all alike; the median of the rounds is reported.
//   node bench/infer-compare.mjs [--models lenet5,resnet18,...] [--size 224] [--batches 1,32] [--rounds 3]
//        [--warmup 5] [--runs 30] [--seconds 2] [--threads 2] [--no-int8] [--python /usr/bin/python3] [--json out.json]
// The PyTorch side (bench/infer_compare_torch.py) is torchvision's model where torchvision has the same
// network, else the studio's `export-pytorch` model.py (LeNet-5; AlexNet and VGG16 at sizes other than
// 224), named in the model column. Its weights (PyTorch's init, batch norm statistics measured on noise)
// go into the studio by `cnn-studio template NAME --weights FILE.pth`, whose project the studio exports.
// Before timing, both run the same seeded 2-image input: the logits must agree to 1e-3 of the largest
// logit and differ between the two images; a model that fails is reported and not timed. --size is the ImageNet nets'
// height and width (default 224); LeNet-5 is always 1x28x28, 10 classes. Exit code 1 if any row failed.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import sharp from 'sharp';
import { median } from './median.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const size = Number(arg('size', '224'));
const batches = arg('batches', '1,32').split(',').map(Number);
const rounds = Number(arg('rounds', '3'));
const timing = ['warmup', 'runs', 'seconds'].flatMap((k) => [`--${k}`, arg(k, { warmup: '5', runs: '30', seconds: '2' }[k])]);
const threads = arg('threads', '2');
const python = arg('python', '/usr/bin/python3');
const withInt8 = !process.argv.includes('--no-int8');
const jsonOut = arg('json', undefined);
const TOLERANCE = 1e-3;

// AlexNet's and VGG16's classifiers take the 6x6 / 7x7 map of a 224x224 input: torchvision pools any
// other size to it (adaptive pooling), the studio's templates size the classifier to the map instead,
// so off 224 the same network in PyTorch is the studio's export-pytorch model.py.
const fixedHead = new Set(['alexnet', 'vgg16']);
const imagenet = (id) => ({
  id,
  input: [3, size, size],
  classes: 1000,
  pytorch: fixedHead.has(id) && size !== 224 ? 'export-pytorch' : 'torchvision',
});
const ALL_MODELS = [
  { id: 'lenet5', input: [1, 28, 28], classes: 10, pytorch: 'export-pytorch' },
  ...['alexnet', 'vgg16', 'googlenet', 'resnet18', 'resnet50'].map(imagenet),
  ...['mobilenet_v2', 'mobilenet_v3_small', 'mobilenet_v3_large', 'efficientnet_b0'].map(imagenet),
];
const only = arg('models', undefined)?.split(',');
const MODELS = ALL_MODELS.filter((m) => !only || only.includes(m.id));
const work = mkdtempSync(path.join(os.tmpdir(), 'cnn-infer-compare-'));

function run(cmd, args, what) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, CNN_STUDIO_CACHE: path.join(work, 'cache') } });
  if (r.status !== 0) throw new Error(`${what} failed: ${(r.stderr || r.error?.message || '').trim()}`);
  return r.stdout.trim();
}
const studio = (...args) => run(process.execPath, [path.join(root, 'bin/cnn-studio.cjs'), ...args], `cnn-studio ${args.slice(0, 2).join(' ')}`);
const torchPy = (...args) => run(python, [path.join(root, 'bench/infer_compare_torch.py'), ...args], `PyTorch ${args[0]} ${args[1]}`);
const lastJson = (out) => JSON.parse(out.split('\n').pop());

/** 8 noise images in two class folders: what `export --quantize int8 --calibration` calibrates on (latency does not depend on the ranges). */
async function calibrationFolder() {
  const dir = path.join(work, 'calibration');
  for (const [i, cls] of ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b'].entries()) {
    mkdirSync(path.join(dir, cls), { recursive: true });
    const pixels = Buffer.from(Array.from({ length: 64 * 64 * 3 }, () => Math.floor(Math.random() * 256)));
    await sharp(pixels, { raw: { width: 64, height: 64, channels: 3 } })
      .png()
      .toFile(path.join(dir, cls, `${i}.png`));
  }
  return dir;
}

/**
 * One template's files. The weights start in PyTorch (its initialisation, batch norm statistics
 * measured on noise: see measure_batch_norm) and enter the studio by its own import,
 * `template --weights`; the studio's exporter writes the fp32 and int8 ONNX from that project.
 */
function prepare(m, calibration) {
  const f = (name) => path.join(work, `${m.id}.${name}`);
  const template = ['template', m.id, '--input', m.input.join('x'), '--classes', String(m.classes), '-o', f('json'), '--force'];
  if (m.id === 'googlenet') template.push('--variant', 'torchvision');
  const torchArgs = ['--classes', String(m.classes)];
  if (m.pytorch === 'export-pytorch') {
    studio(...template);
    studio('export-pytorch', f('json'), '-o', f('pytorch'), '--force');
    torchArgs.push('--pytorch-dir', f('pytorch'));
  }
  const params = lastJson(torchPy('init', m.id, f('pth'), '--shape', m.input.join(','), ...torchArgs)).params;
  studio(...template, '--weights', f('pth'));
  studio('export', f('json'), '-o', f('onnx'), '--no-report', '--force');
  if (withInt8)
    studio(
      'export',
      f('json'),
      '-o',
      f('int8.onnx'),
      '--quantize',
      'int8',
      '--calibration',
      calibration,
      '--calibration-images',
      '8',
      '--no-report',
      '--force',
    );
  return { onnx: f('onnx'), int8: withInt8 ? f('int8.onnx') : null, pth: f('pth'), params, torchArgs };
}

/**
 * Max |studio - PyTorch| over the logits of one seeded 2-image input, that relative to the largest
 * |logit|, and how much the two images' logits differ (relative too).
 */
async function compareLogits(m, files) {
  const shape = [2, ...m.input];
  let seed = 1;
  const uniform = () => {
    // mulberry32: a seeded uniform in [-1, 1)
    let t = (seed = (seed + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * 2 - 1;
  };
  const x = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, uniform);
  writeFileSync(path.join(work, 'x.bin'), x);
  const session = await ort.InferenceSession.create(files.onnx, { intraOpNumThreads: Number(threads) });
  const ours = (await session.run({ input: new ort.Tensor('float32', x, shape) }, ['logits'])).logits.data;
  await session.release();
  torchPy('logits', m.id, files.pth, path.join(work, 'x.bin'), path.join(work, 'y.bin'), '--shape', shape.join(','), ...files.torchArgs);
  const y = readFileSync(path.join(work, 'y.bin'));
  const theirs = new Float32Array(y.buffer.slice(y.byteOffset, y.byteOffset + y.byteLength));
  if (theirs.length !== ours.length) return { maxAbsDiff: Infinity, relative: Infinity, inputShare: 0 };
  let maxAbsDiff = 0;
  let scale = 0;
  let betweenImages = 0; // a check of logits that do not depend on the input would prove nothing
  const k = ours.length / 2;
  for (let i = 0; i < ours.length; i++) {
    maxAbsDiff = Math.max(maxAbsDiff, Math.abs(ours[i] - theirs[i]));
    scale = Math.max(scale, Math.abs(theirs[i]));
    if (i < k) betweenImages = Math.max(betweenImages, Math.abs(theirs[i] - theirs[i + k]));
  }
  return { maxAbsDiff, relative: maxAbsDiff / scale, inputShare: betweenImages / scale };
}

const benchInfer = (file, batch) => lastJson(studio('bench', 'infer', file, '--batch', String(batch), '--threads', threads, ...timing, '--json'));
const torchTime = (m, files, batch) =>
  lastJson(torchPy('time', m.id, files.pth, '--shape', [batch, ...m.input].join(','), '--threads', threads, ...timing, ...files.torchArgs));

/** Interleaved rounds for one model: per batch size, the samples of each side and the load before each round. */
function timeRounds(m, files) {
  const samples = new Map(batches.map((b) => [b, { fp32: [], int8: [], torch: [], loads: [] }]));
  for (let r = 0; r < rounds; r++) {
    for (const batch of batches) {
      const s = samples.get(batch);
      s.loads.push(os.loadavg()[0]);
      s.fp32.push(benchInfer(files.onnx, batch));
      if (files.int8) s.int8.push(benchInfer(files.int8, batch));
      s.torch.push(torchTime(m, files, batch));
    }
  }
  return samples;
}

/** Medians over the rounds; images/s is batch / median p50, as bench infer reports it per run. */
function summarize(xs, batch) {
  if (!xs.length) return null;
  const of = (k) => median(xs.map((x) => x[k]));
  return { p50Ms: of('p50Ms'), p95Ms: of('p95Ms'), imagesPerSecond: (batch * 1000) / of('p50Ms'), cpuMsPerImage: of('cpuMsPerImage') };
}

const label = (m) => `${m.id} ${m.input.join('x')} (${m.pytorch})`;
const fmtSide = (s) => (s ? `${s.p50Ms.toFixed(2)} / ${s.p95Ms.toFixed(2)} / ${s.imagesPerSecond.toFixed(s.imagesPerSecond < 100 ? 1 : 0)}` : '-');

function rowLine(row) {
  if (row.error) return `| ${row.model} | - | - | FAILED: ${row.error} | | | | |`;
  const ratio = (a, b) => (a && b ? `${(a.imagesPerSecond / b.imagesPerSecond).toFixed(2)}x` : '-');
  const cpu = (s) => (s ? s.cpuMsPerImage.toFixed(s.cpuMsPerImage < 1 ? 3 : 1) : '-');
  return `| ${row.model} | ${row.batch} | ${row.maxAbsDiff.toExponential(1)} (${row.relativeDiff.toExponential(0)}) | ${fmtSide(row.fp32)} | ${fmtSide(row.int8)} | ${fmtSide(row.torch)} | ${ratio(row.fp32, row.torch)} (int8 ${ratio(row.int8, row.torch)}) | ${cpu(row.fp32)} / ${cpu(row.torch)} | ${row.load.toFixed(1)} |`;
}

async function measure(m, calibration) {
  try {
    const files = prepare(m, calibration);
    const check = await compareLogits(m, files);
    const base = { model: label(m), params: files.params, maxAbsDiff: check.maxAbsDiff, relativeDiff: check.relative };
    if (!(check.relative <= TOLERANCE))
      return [
        {
          ...base,
          error: `logits differ: max abs diff ${check.maxAbsDiff.toExponential(2)}, ${check.relative.toExponential(2)} of the largest logit (limit ${TOLERANCE})`,
        },
      ];
    // The two images' logits must differ by 10x more than the sides do, or the check would say
    // nothing (a network whose logits are its classifier's bias matches any other with that bias).
    if (!(check.inputShare > 10 * check.relative))
      return [
        {
          ...base,
          error: `logits of two images differ by ${check.inputShare.toExponential(2)} of the largest logit, not 10x the sides' difference: the check proves nothing`,
        },
      ];
    const samples = timeRounds(m, files);
    return batches.map((batch) => {
      const s = samples.get(batch);
      return {
        ...base,
        batch,
        fp32: summarize(s.fp32, batch),
        int8: summarize(s.int8, batch),
        torch: summarize(s.torch, batch),
        load: Math.max(...s.loads),
        rounds: s,
      };
    });
  } catch (e) {
    return [{ model: label(m), error: e.message.split('\n').slice(0, 3).join(' ') }];
  }
}

async function main() {
  execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--only=node', '--quiet'], { stdio: 'inherit' });
  const cpu =
    spawnSync('lscpu', [], { encoding: 'utf8' })
      .stdout?.match(/Model name:\s*(.+)/)?.[1]
      ?.trim() ??
    os.cpus()[0]?.model ??
    '?';
  console.log(
    `Inference per template vs PyTorch: ${cpu}, ${os.cpus().length} cores, ${threads} threads, ${rounds} interleaved rounds (${timing.join(' ')}), ${new Date().toISOString()}`,
  );
  console.log(
    'cells: median over rounds of p50 ms / p95 ms / images/s (batch / p50); ratio: images/s of studio fp32 (int8) over PyTorch; CPU: process CPU ms per image',
  );
  console.log(
    '\n| model | batch | max abs logit diff (relative) | studio fp32 | studio int8 | PyTorch eval | studio / PyTorch | CPU ms/image fp32 / PyTorch | load |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  const calibration = withInt8 ? await calibrationFolder() : null;
  const results = [];
  for (const m of MODELS) {
    for (const row of await measure(m, calibration)) {
      results.push(row);
      console.log(rowLine(row));
    }
    // VGG16's files alone are 1.5 GB (ONNX, int8, .pth, checkpoint): keep one model's at a time.
    for (const f of readdirSync(work)) if (f.startsWith(`${m.id}.`)) rmSync(path.join(work, f), { recursive: true, force: true });
  }
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ date: new Date().toISOString(), cpu, threads: Number(threads), results }, null, 2));
  if (results.some((r) => r.error)) process.exitCode = 1;
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
