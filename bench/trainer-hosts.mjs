#!/usr/bin/env node
// Where the trainer runs, measured through the CLI (`cnn-studio train`), Linux only (/usr/bin/time):
//   thread         the CLI default: the CLI re-runs itself with TRAINER_ENV, the loop runs in a worker thread
//   process        CNN_STUDIO_TRAINER_HOST=process: the loop runs in a child process started with TRAINER_ENV
//   thread-no-env  a worker thread in a process without TRAINER_ENV (CNN_STUDIO_NO_REEXEC=1), as in
//                  Electron's main process before the utility-process host
// on generated image folders (class = a bright band, plus noise). Configurations are interleaved,
// so machine load hits all alike; medians over the rounds. Besides images/s of epochs 2+ (wall
// clock), it prints the whole command's CPU time and minor page faults, which hold on a busy machine.
//   node bench/trainer-hosts.mjs [--rounds 3] [--model resnet18|lenet5] [--epochs 3] [--threads 1]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);
const sharp = require('sharp');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const rounds = Number(arg('rounds', '3'));
const modelId = arg('model', 'resnet18');
const epochs = arg('epochs', '3');
const threads = arg('threads', '1');

const MODELS = {
  resnet18: { input: '3x32x32', channels: 3, size: 32, perClass: 40, batch: '32' },
  lenet5: { input: '1x28x28', channels: 1, size: 28, perClass: 200, batch: '64' },
};
const m = MODELS[modelId];
if (!m) throw new Error(`--model must be one of ${Object.keys(MODELS).join(', ')}`);

const CONFIGS = {
  thread: {},
  process: { CNN_STUDIO_NO_REEXEC: '1', CNN_STUDIO_TRAINER_HOST: 'process' },
  'thread-no-env': { CNN_STUDIO_NO_REEXEC: '1' },
};

execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--only=node', '--quiet'], { stdio: 'inherit' });
const cli = path.join(root, 'bin/cnn-studio.cjs');
const work = mkdtempSync(path.join(os.tmpdir(), 'trainer-hosts-'));
const data = path.join(work, 'data');
const cache = path.join(work, 'cache');
const project = path.join(work, `${modelId}.json`);

/** 10 classes; class k = a bright band at rows [k*s/10, (k+1)*s/10) plus uniform noise (seeded LCG). */
async function makeData() {
  let seed = 1;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let c = 0; c < 10; c++) {
    const dir = path.join(data, `c${c}`);
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < m.perClass; i++) {
      const px = Buffer.alloc(m.size * m.size * m.channels);
      const lo = Math.floor((c * m.size) / 10);
      const hi = Math.floor(((c + 1) * m.size) / 10);
      for (let p = 0; p < px.length; p++) {
        const y = Math.floor(p / (m.size * m.channels));
        px[p] = (y >= lo && y < hi ? 170 : 40) + Math.floor(rnd() * 60);
      }
      await sharp(px, { raw: { width: m.size, height: m.size, channels: m.channels } })
        .png()
        .toFile(path.join(dir, `${i}.png`));
    }
  }
}

function train(env) {
  const out = path.join(work, 'run');
  rmSync(out, { recursive: true, force: true });
  const load = os.loadavg()[0];
  const r = spawnSync(
    '/usr/bin/time',
    [
      '-f',
      'TIME %R %U %S',
      process.execPath,
      cli,
      'train',
      project,
      '--data',
      data,
      '--out',
      out,
      '--epochs',
      epochs,
      '--batch',
      m.batch,
      '--threads',
      threads,
      '--device',
      'cpu',
      '--no-augment',
      '--json',
      '--cache-dir',
      cache,
    ],
    { encoding: 'utf8', env: { ...process.env, ...env } },
  );
  if (r.status !== 0) throw new Error(`cnn-studio train failed: ${r.stderr}`);
  const events = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const later = events.filter((e) => e.type === 'epoch' && e.epoch >= 2);
  const [, faults, user, sys] = r.stderr
    .split('\n')
    .find((l) => l.startsWith('TIME'))
    .split(' ')
    .map(Number);
  return {
    imagesPerSecond: later.reduce((a, e) => a + e.imagesPerSecond, 0) / later.length,
    cpuSeconds: user + sys,
    sysSeconds: sys,
    minorFaults: faults,
    load,
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

await makeData();
execFileSync(process.execPath, [cli, 'template', modelId, '--input', m.input, '--classes', '10', '-o', project], { stdio: 'ignore' });
train({}); // fills the decode cache
const results = Object.fromEntries(Object.keys(CONFIGS).map((k) => [k, []]));
for (let r = 0; r < rounds; r++) for (const [k, env] of Object.entries(CONFIGS)) results[k].push(train(env));
console.log(`${modelId} ${m.input}, batch ${m.batch}, ${epochs} epochs, ${threads} onnxruntime thread(s), ${rounds} rounds, ${os.cpus().length} CPUs`);
console.log('config          img/s (ep 2+)   CPU s   sys s   minor faults   load (1 min)');
for (const [k, rs] of Object.entries(results)) {
  const med = (f) => median(rs.map(f));
  console.log(
    `${k.padEnd(16)}${med((x) => x.imagesPerSecond)
      .toFixed(1)
      .padStart(13)}${med((x) => x.cpuSeconds)
      .toFixed(1)
      .padStart(8)}${med((x) => x.sysSeconds)
      .toFixed(1)
      .padStart(8)}${String(med((x) => x.minorFaults)).padStart(15)}   ${rs.map((x) => x.load.toFixed(1)).join(' ')}`,
  );
}
rmSync(work, { recursive: true, force: true });
