/**
 * Peak memory of a training run on a photo folder larger than the in-memory budget: the CLI trains
 * LeNet-5 at 3x224x224 for one epoch under /usr/bin/time -v, and the figure is its maximum
 * resident set size (the training child included). Above 512 MiB of decoded images the cache is
 * read per batch from disk, so the peak should not grow with the folder: the bench runs two folder
 * sizes to show it.
 *   node bench/run-ts.mjs bench/large-folder-memory.ts [--images 1000,4000] [--augment none|imagenet] [--distinct N]
 * --distinct N draws N photos and fills the folder with byte copies of them (bench/photo-like.ts):
 * for 50,000 images, where drawing each in JavaScript would take longer than the run.
 * Needs the built CLI (npm run build) and /usr/bin/time.
 */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makePhotoFolder } from './photo-like';

function flag(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : dflt;
}

function run(args: string[], env: NodeJS.ProcessEnv): { maxRssMiB: number; seconds: number } {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, path.join(process.cwd(), 'bin', 'cnn-studio.cjs'), ...args], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`cnn-studio ${args.join(' ')} failed:\n${r.stderr.slice(-2000)}`);
  const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1]);
  return { maxRssMiB: kb / 1024, seconds: (performance.now() - t0) / 1000 };
}

async function main(): Promise<void> {
  const sizes = flag('--images', '1000,4000').split(',').map(Number);
  const augment = flag('--augment', 'none');
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'cnn-memory-'));
  try {
    const project = path.join(work, 'lenet.json');
    run(['template', 'lenet5', '--input', '3x224x224', '--classes', '3', '-o', project], process.env);
    console.log(`${os.cpus()[0]?.model ?? 'CPU'}: LeNet-5 3x224x224, 1 epoch, batch 64, --augment ${augment}; peak RSS of the CLI and its training child`);
    for (const n of sizes) {
      const data = path.join(work, `photos-${n}`);
      await makePhotoFolder(data, n, Math.min(n, Number(flag('--distinct', String(n)))));
      const env = { ...process.env, CNN_STUDIO_CACHE: path.join(work, 'cache'), CNN_STUDIO_HOME: path.join(work, 'home') };
      const r = run(
        [
          'train',
          project,
          '--data',
          data,
          '--out',
          path.join(work, `run-${n}`),
          '--epochs',
          '1',
          '--batch',
          '64',
          '--augment',
          augment,
          '--resize',
          'center-crop',
          '--device',
          'cpu',
        ],
        env,
      );
      const decodedMiB = (n * 3 * 224 * 224) / 2 ** 20;
      console.log(`${String(n).padStart(6)} images (${decodedMiB.toFixed(0)} MiB decoded): peak RSS ${r.maxRssMiB.toFixed(0)} MiB, ${r.seconds.toFixed(0)} s`);
    }
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

void main();
