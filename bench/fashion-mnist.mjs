// Fashion-MNIST end to end, through the CLI, against PyTorch on the same machine (issue 6, item 8).
//
//  1. Writes Debian's dataset-fashion-mnist (IDX, /usr/share/datasets/fashion-mnist) as an image
//     folder <work>/data/{train,test}/<label>_<class>/<index>.png (main/data/idx.ts), once.
//  2. `cnn-studio template lenet5 --input 1x28x28`, then `cnn-studio train` with the comparison
//     recipe (Adam 1e-3, batch 64, 5 epochs, constant lr, no augmentation) on a fresh decode cache
//     (first-decode images/s), `cnn-studio eval` on test/.
//  3. The same recipe in PyTorch (bench/fashion_mnist_torch.py, /usr/bin/python3, 2 threads).
//  4. The studio's default recipe (AdamW 3e-3 one-cycle, crop + flip) for 15 epochs, and the
//     same in PyTorch.
// Prints a summary table and writes <work>/results.json.
//
// Usage: node bench/fashion-mnist.mjs [--work DIR] [--threads 2] [--quick] [--no-default] [--no-torch] [--timing N]
//   --quick: 6000 train / 1000 test images, 2 + 3 epochs (a smoke run, not the benchmark).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './median.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const quick = args.includes('--quick');
const threads = flag('--threads', '2');
const work = path.resolve(flag('--work', path.join(os.tmpdir(), quick ? 'cnn-fmnist-quick' : 'cnn-fmnist')));
const data = path.join(work, 'data');
const cli = path.join(root, 'dist', 'cli.cjs');
const nTrain = quick ? 6000 : 60000;
const nTest = quick ? 1000 : 10000;
const cmpEpochs = quick ? 2 : 5;
const defEpochs = quick ? 3 : 15;

function sh(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}

/** Runs a command that prints JSON lines; echoes epoch lines as they come; returns all parsed lines. */
function jsonLines(cmd, argv) {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, argv, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = [];
    let buf = '';
    p.stdout.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (!line.trim()) continue;
        const e = JSON.parse(line);
        lines.push(e);
        if (e.type === 'epoch')
          console.log(
            `  epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(4)} acc ${(e.trainAccuracy * 100).toFixed(2)}%  ${e.valAccuracy !== undefined ? `val ${(e.valAccuracy * 100).toFixed(2)}%` : `test ${(e.testAccuracy * 100).toFixed(2)}%`}  ${e.seconds.toFixed(1)} s  ${e.imagesPerSecond.toFixed(0)} img/s`,
          );
        if (e.type === 'start')
          console.log(
            `  start: ${e.trainSamples} train / ${e.valSamples} val images on ${e.device}; first decode ${e.decodeImagesPerSecond ? `${e.decodeImagesPerSecond.toFixed(0)} images/s` : '(cached)'}`,
          );
        if (e.type === 'failed') console.log(`  failed: ${e.message}`);
      }
    });
    p.on('exit', (code) => (code === 0 ? resolve(lines) : reject(new Error(`${cmd} ${argv.slice(0, 3).join(' ')} exited with ${code}`))));
  });
}

mkdirSync(work, { recursive: true });
console.log(`work folder ${work}; ${threads} threads; ${quick ? 'QUICK smoke run' : 'full benchmark'}`);
console.log('building dist/ (node bundles)');
sh(process.execPath, ['scripts/build.mjs', '--only=node', '--quiet']);

if (!existsSync(path.join(data, 'test'))) {
  console.log(`writing Fashion-MNIST as PNG folders (${nTrain} train, ${nTest} test)`);
  const t0 = Date.now();
  sh(process.execPath, ['bench/run-ts.mjs', 'bench/data-pipeline-fashion-mnist.ts', data, '--train', String(nTrain), '--test', String(nTest)]);
  console.log(`  ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
const project = path.join(work, 'lenet5.json');
sh(process.execPath, [cli, 'template', 'lenet5', '--input', '1x28x28', '--classes', '10', '-o', project, '--force']);

const results = { threads: Number(threads), quick, machine: `${os.cpus()[0]?.model} x${os.availableParallelism()}`, trainImages: nTrain, testImages: nTest };
const cache = path.join(work, 'cache');
if (!args.includes('--keep-cache')) rmSync(cache, { recursive: true, force: true });

async function studio(name, extra, epochs) {
  const out = path.join(work, `run-${name}`);
  rmSync(out, { recursive: true, force: true });
  console.log(`studio ${name}: cnn-studio train ${extra.join(' ')} --epochs ${epochs}`);
  const t0 = Date.now();
  const ev = await jsonLines(process.execPath, [
    cli,
    'train',
    project,
    '--data',
    data,
    '--out',
    out,
    '--epochs',
    String(epochs),
    '--batch',
    '64',
    '--device',
    'cpu',
    '--threads',
    threads,
    '--cache-dir',
    cache,
    '--seed',
    '0',
    '--json',
    ...extra,
  ]);
  const wall = (Date.now() - t0) / 1000;
  const start = ev.find((e) => e.type === 'start');
  const epochsEv = ev.filter((e) => e.type === 'epoch');
  const evalOut = JSON.parse(sh(process.execPath, [cli, 'eval', out, '--data', data, '--json', '--threads', threads, '--cache-dir', cache]));
  console.log(`  test accuracy (cnn-studio eval on test/): ${(evalOut.accuracy * 100).toFixed(2)}%  wall ${wall.toFixed(0)} s`);
  return {
    testAccuracy: evalOut.accuracy,
    epochSeconds: epochsEv.reduce((a, e) => a + e.seconds, 0) / epochsEv.length,
    imagesPerSecond: epochsEv.reduce((a, e) => a + e.imagesPerSecond, 0) / epochsEv.length,
    decodeImagesPerSecond: start?.decodeImagesPerSecond ?? null,
    epochs: epochsEv.map((e) => ({
      epoch: e.epoch,
      trainLoss: e.trainLoss,
      valAccuracy: e.valAccuracy,
      seconds: e.seconds,
      imagesPerSecond: e.imagesPerSecond,
    })),
    wallSeconds: wall,
  };
}

async function torch(recipe, epochs) {
  console.log(`pytorch ${recipe}: ${epochs} epochs, ${threads} threads`);
  const ev = await jsonLines('/usr/bin/python3', [
    'bench/fashion_mnist_torch.py',
    '--recipe',
    recipe,
    '--epochs',
    String(epochs),
    '--threads',
    threads,
    '--train',
    String(nTrain),
    '--test',
    String(nTest),
  ]);
  const done = ev.find((e) => e.type === 'done');
  const epochsEv = ev.filter((e) => e.type === 'epoch');
  return {
    testAccuracy: done.testAccuracy,
    epochSeconds: done.epochSeconds,
    imagesPerSecond: epochsEv.reduce((a, e) => a + e.imagesPerSecond, 0) / epochsEv.length,
    torch: done.torch,
  };
}

const adamFlags = ['--optimizer', 'adam', '--lr', '1e-3', '--schedule', 'constant', '--no-augment', '--weight-decay', '0'];

// --timing N: only epoch times, N rounds of [studio 1 epoch, PyTorch 1 epoch] back to back, so both
// see the same machine load (on a shared machine, a long run of one and then the other does not).
const timingRounds = Number(flag('--timing', '0'));
if (timingRounds > 0) {
  const st = [];
  const pt = [];
  for (let i = 0; i < timingRounds; i++) {
    st.push((await studio(`timing${i}`, adamFlags, 1)).epochSeconds);
    pt.push((await torch('adam', 1)).epochSeconds);
  }
  // pairedRatio: median of each round's studio/PyTorch ratio (the two epochs of a round run back to back).
  const res = {
    rounds: timingRounds,
    studioEpochSeconds: st,
    torchEpochSeconds: pt,
    ratio: median(st) / median(pt),
    pairedRatio: median(st.map((x, i) => x / pt[i])),
  };
  writeFileSync(path.join(work, 'timing.json'), `${JSON.stringify(res, null, 2)}\n`);
  console.log(
    `\nepoch seconds (Adam recipe, batch 64, ${threads} threads), alternating: studio ${st.map((x) => x.toFixed(1)).join(', ')}; PyTorch ${pt.map((x) => x.toFixed(1)).join(', ')}`,
  );
  console.log(`median ratio studio/PyTorch ${res.ratio.toFixed(2)}; median of per-round ratios ${res.pairedRatio.toFixed(2)}`);
  process.exit(0);
}
results.studioAdam = await studio('adam', adamFlags, cmpEpochs);
// A second run of the same recipe reads every image from the decode cache (no decoding).
if (!args.includes('--no-torch')) results.torchAdam = await torch('adam', cmpEpochs);
if (!args.includes('--no-default')) {
  results.studioDefault = await studio('default', [], defEpochs);
  if (!args.includes('--no-torch')) results.torchDefault = await torch('default', defEpochs);
}
writeFileSync(path.join(work, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);

const pct = (x) => (x === undefined ? '-' : `${(x * 100).toFixed(2)}%`);
console.log('\nFashion-MNIST, LeNet-5 1x28x28, batch 64, CPU, %s threads%s', threads, quick ? ' (QUICK: subset, fewer epochs)' : '');
console.log(
  `first decode (PNG -> cache): ${results.studioAdam.decodeImagesPerSecond?.toFixed(0) ?? '-'} images/s; cached epochs: ${results.studioAdam.imagesPerSecond.toFixed(0)} images/s (training steps)`,
);
console.log(`Adam 1e-3, ${cmpEpochs} epochs:   studio ${pct(results.studioAdam.testAccuracy)}   PyTorch ${pct(results.torchAdam?.testAccuracy)}`);
if (results.torchAdam) {
  console.log(
    `  epoch seconds: studio ${results.studioAdam.epochSeconds.toFixed(1)}  PyTorch ${results.torchAdam.epochSeconds.toFixed(1)}  ratio studio/PyTorch ${(results.studioAdam.epochSeconds / results.torchAdam.epochSeconds).toFixed(2)}`,
  );
}
if (results.studioDefault) {
  console.log(
    `default recipe (AdamW 3e-3 one-cycle, crop+flip), ${defEpochs} epochs: studio ${pct(results.studioDefault.testAccuracy)}   PyTorch ${pct(results.torchDefault?.testAccuracy)}`,
  );
  console.log(
    `  epoch seconds: studio ${results.studioDefault.epochSeconds.toFixed(1)}${results.torchDefault ? `  PyTorch ${results.torchDefault.epochSeconds.toFixed(1)}` : ''}`,
  );
}
console.log(`results: ${path.join(work, 'results.json')}`);
