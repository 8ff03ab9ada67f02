/**
 * Photo folders: the studio's decode and epochs against torchvision's ImageFolder + DataLoader
 * (2 workers), in one run, interleaved, on a generated folder of photo-like JPEGs (random sizes
 * 240-640 px, or camera sizes with --sizes camera: long side 1600-4032 px; JPEG quality 60-95,
 * smooth gradients plus noise, 3 classes).
 *   node bench/run-ts.mjs bench/photo-folder.ts [--images 600] [--size 224] [--rounds 2] [--root DIR] [--json]
 *     [--sizes small|camera] [--loader-threads 0,1,2] [--resnet-images 96] [--resnet-batch 16]
 * Figures, each round, in this order (the studio's cache is removed before each first pass):
 *  - first pass: decode + cache, studio (center-crop at SIZE) vs torchvision (Resize + CenterCrop);
 *  - cached epoch: the studio's loader over the cache, no augmentation (torchvision has no cache);
 *  - imagenet epoch: studio from the storage-resolution cache vs torchvision decoding every JPEG again;
 *    both epochs run with the loader threads the trainer would use for that run (main/data/loader-threads);
 *  - loader alone: steady-state images/s of the imagenet-preset loader at SIZE, no model (what a GPU
 *    could be fed), for each worker-thread count of --loader-threads (0: on the calling thread); the
 *    rate with one thread gives the threads a GPU at 1,000 images/s needs (bench/loader-rates.ts);
 *  - ResNet-18 at SIZE, one epoch on the CPU through the trainer (--resnet-images photos, 0 skips):
 *    the share of the step time spent waiting for the next batch (the trainer's per-epoch log line).
 */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { scanImageFolder } from '../main/data/scan';
import { openDecodeCache } from '../main/data/cache';
import { createLoader } from '../main/data/loader';
import { runDataSpec } from '../main/trainer/data-spec';
import { AUGMENT_PRESETS } from '../core/train-defaults';
import { makePhotoFolder } from './photo-like';
import { loaderThreads } from '../main/data/loader-threads';
import { loaderAlone, resnetDataWait } from './loader-rates';

const PYTHON = '/usr/bin/python3';

function flag(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : dflt;
}

function torchvision(root: string, size: number, mode: 'first' | 'imagenet'): number {
  const r = spawnSync(PYTHON, [path.join(process.cwd(), 'bench', 'photo_folder_torch.py'), root, String(size), mode], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`torchvision side failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { imagesPerSecond: number }).imagesPerSecond;
}

function trainerLoaderThreads(size: number, preset: 'none' | 'imagenet'): number {
  return loaderThreads('auto', [3, size, size], preset === 'imagenet');
}

async function studioEpoch(root: string, cacheDir: string, size: number, preset: 'none' | 'imagenet', fresh: boolean): Promise<number> {
  const model = { channels: 3 as const, height: size, width: size };
  const augment = preset === 'imagenet' ? { ...AUGMENT_PRESETS.imagenet } : null;
  const spec = runDataSpec(model, { augment, resize: 'center-crop' });
  if (fresh) await fs.rm(cacheDir, { recursive: true, force: true });
  const t0 = performance.now();
  const cache = await openDecodeCache(await scanImageFolder(root, { valSplit: 0 }), { input: spec.decode, cacheDir });
  const decodeSeconds = (performance.now() - t0) / 1000;
  if (fresh) {
    const n = cache.split('train')!.count;
    await cache.close();
    return n / decodeSeconds;
  }
  const loader = createLoader({
    cache,
    split: 'train',
    batchSize: 64,
    // As the trainer does: batch arrays reused from a ring (no 38 MB allocation per batch at 224).
    recycle: true,
    seed: 1,
    augment,
    mean: [0.5, 0.5, 0.5],
    std: [0.25, 0.25, 0.25],
    ...(spec.output ? { output: spec.output } : {}),
    // What the trainer uses for this run (threads started with the epoch, as a run's first epoch does).
    threads: trainerLoaderThreads(size, preset),
  });
  const t1 = performance.now();
  let n = 0;
  try {
    for await (const b of loader.epoch(0)) n += b.size;
  } finally {
    await loader.close();
    await cache.close();
  }
  return n / ((performance.now() - t1) / 1000);
}

async function main(): Promise<void> {
  const images = Number(flag('--images', '600'));
  const size = Number(flag('--size', '224'));
  const rounds = Number(flag('--rounds', '2'));
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'cnn-photos-'));
  const root = process.argv.includes('--root') ? flag('--root', '') : path.join(work, 'photos');
  try {
    const sizes = flag('--sizes', 'small');
    if (sizes !== 'small' && sizes !== 'camera') throw new Error(`--sizes must be small or camera, not ${sizes}`);
    if (!process.argv.includes('--root')) await makePhotoFolder(root, images, images, sizes);
    const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
    const rows: Record<string, number[]> = { studioFirst: [], torchFirst: [], studioCached: [], studioImagenet: [], torchImagenet: [], storeFirst: [] };
    for (let r = 0; r < rounds; r++) {
      rows.studioFirst!.push(await studioEpoch(root, path.join(work, 'cache'), size, 'none', true));
      rows.torchFirst!.push(torchvision(root, size, 'first'));
      rows.studioCached!.push(await studioEpoch(root, path.join(work, 'cache'), size, 'none', false));
      rows.storeFirst!.push(await studioEpoch(root, path.join(work, 'store'), size, 'imagenet', true));
      rows.studioImagenet!.push(await studioEpoch(root, path.join(work, 'store'), size, 'imagenet', false));
      rows.torchImagenet!.push(torchvision(root, size, 'imagenet'));
    }
    const threadCounts = flag('--loader-threads', '0,1,2').split(',').map(Number);
    const alone = await loaderAlone(root, path.join(work, 'store'), size, threadCounts);
    const resnetImages = Number(flag('--resnet-images', '96'));
    const resnet = resnetImages > 0 ? await resnetDataWait(path.join(work, 'resnet'), size, resnetImages, Number(flag('--resnet-batch', '16'))) : null;
    const best = (k: string): number => Math.max(...rows[k]!);
    const out = {
      cpu,
      images,
      sizes,
      size,
      rounds,
      firstPass: { studio: best('studioFirst'), torchvision: best('torchFirst'), ratio: best('studioFirst') / best('torchFirst') },
      storeFirstPass: best('storeFirst'),
      cachedEpoch: best('studioCached'),
      imagenetEpoch: {
        studio: best('studioImagenet'),
        torchvision: best('torchImagenet'),
        ratio: best('studioImagenet') / best('torchImagenet'),
        loaderThreads: trainerLoaderThreads(size, 'imagenet'),
      },
      loaderAlone: alone,
      resnet18: resnet,
    };
    if (process.argv.includes('--json')) console.log(JSON.stringify(out, null, 2));
    else {
      const described = sizes === 'camera' ? 'camera-sized, long side 1600-4032 px' : '240-640 px';
      console.log(`${cpu}: ${images} photo-like JPEGs (${described}) at ${size}x${size}, best of ${rounds}, images/s`);
      console.log(
        `first pass (decode + cache):  studio ${out.firstPass.studio.toFixed(0)}  torchvision ${out.firstPass.torchvision.toFixed(0)}  ratio ${out.firstPass.ratio.toFixed(2)}`,
      );
      console.log(`storage-resolution first pass: studio ${out.storeFirstPass.toFixed(0)}`);
      console.log(`cached epoch (no augmentation, ${trainerLoaderThreads(size, 'none')} loader threads): studio ${out.cachedEpoch.toFixed(0)}`);
      console.log(
        `imagenet-preset epoch (${out.imagenetEpoch.loaderThreads} loader threads): studio ${out.imagenetEpoch.studio.toFixed(0)}  torchvision ${out.imagenetEpoch.torchvision.toFixed(0)}  ratio ${out.imagenetEpoch.ratio.toFixed(2)}`,
      );
      for (const r of alone.rates) console.log(`loader alone, imagenet preset, ${r.threads} thread(s): ${r.imagesPerSecond.toFixed(0)} images/s`);
      if (alone.perThread !== null)
        console.log(`one loader thread: ${alone.perThread.toFixed(0)} images/s, so a GPU at 1,000 images/s needs ${alone.threadsFor1000} threads`);
      if (resnet) console.log(`ResNet-18 at ${size}, CPU, batch ${resnet.batch}: ${resnet.line}`);
    }
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

void main();
