/**
 * The Train tab's augmentation preview: a few of the folder's images, as the trainer's own loader
 * (main/data/loader.ts: same crops, flips and jitter, same seeding by seed and epoch) would hand
 * them to the model in successive epochs. The images are decoded as the run would decode them
 * (runDataSpec: model size, or the storage resolution for the imagenet preset) into a small
 * in-memory stand-in for the decode cache, so nothing is written to the real cache.
 */
import sharp from 'sharp';
import { StudioError, type ApiRequest, type AugmentPreviewResult } from '../../core/api';
import { presetAugment } from '../../core/train-defaults';
import { DatasetError, scanImageFolder, type ImageEntry } from '../data/index';
import { decodeImageAndSize, ImageDecodeFailure } from '../data/decode';
import type { DecodeCache, SplitView } from '../data/cache';
import { createLoader } from '../data/loader';
import { runDataSpec } from '../trainer/data-spec';
import { TrainError } from '../trainer/run-folder';
import { DEFAULT_SETTINGS } from '../trainer/settings';

interface Decoded {
  entry: ImageEntry;
  pixels: Uint8Array;
  width: number;
  height: number;
}

/** Up to `count` images, taking each class in turn, so every class shows. */
function pickImages(train: readonly ImageEntry[], classes: number, count: number): ImageEntry[] {
  const byClass = Array.from({ length: classes }, (_, c) => train.filter((e) => e.label === c));
  const out: ImageEntry[] = [];
  for (let k = 0; out.length < count && byClass.some((l) => l.length > k); k++) for (const l of byClass) if (l[k] && out.length < count) out.push(l[k]!);
  return out;
}

/** The decoded samples as a DecodeCache with one split, in memory. */
function memoryCache(spec: DecodeCache['spec'], samples: readonly Decoded[], classes: readonly string[]): DecodeCache {
  const sb = spec.channels * spec.height * spec.width;
  const data = new Uint8Array(samples.length * sb);
  samples.forEach((s, i) => data.set(s.pixels, i * sb));
  const view: SplitView = {
    name: 'train',
    count: samples.length,
    paths: samples.map((s) => s.entry.path),
    rels: samples.map((s) => s.entry.rel),
    labels: Int32Array.from(samples, (s) => s.entry.label),
    slots: Int32Array.from(samples, (_, i) => i),
    sizes: spec.recordSize ? Int32Array.from(samples.flatMap((s) => [s.width, s.height])) : null,
  };
  return {
    dir: '(memory)',
    spec,
    classes,
    sampleBytes: sb,
    report: [],
    inMemory: true,
    io: { reads: 0, bytesRead: 0 },
    opened: { total: samples.length, hits: 0, decoded: samples.length, failed: 0, copied: 0, rewritten: false, evicted: [], overCap: false },
    split: (name) => (name === 'train' ? view : undefined),
    read: async (slots, out) => {
      for (let i = 0; i < slots.length; i++) out.set(data.subarray(slots[i]! * sb, (slots[i]! + 1) * sb), i * sb);
    },
    channelStats: () => ({ mean: new Array<number>(spec.channels).fill(0), std: new Array<number>(spec.channels).fill(1), pixels: 0 }),
    close: async () => undefined,
  };
}

/** A normalised-with-mean-0-std-1 CHW float sample ([0, 1]) as a PNG data URL, scaled up for the screen. */
async function tile(x: Float32Array, c: number, h: number, w: number, side: number): Promise<string> {
  const hwc = Buffer.alloc(h * w * c);
  for (let ch = 0; ch < c; ch++) for (let i = 0; i < h * w; i++) hwc[i * c + ch] = Math.round(Math.min(1, Math.max(0, x[ch * h * w + i]!)) * 255);
  const png = await sharp(hwc, { raw: { width: w, height: h, channels: c as 1 | 3 } })
    .resize(side, side, { fit: 'inside', kernel: 'nearest' })
    .png()
    .toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}

async function decodeAll(entries: readonly ImageEntry[], spec: DecodeCache['spec']): Promise<Decoded[]> {
  const out: Decoded[] = [];
  for (const entry of entries) {
    try {
      const d = await decodeImageAndSize(entry.path, spec);
      out.push({ entry, pixels: d.pixels, width: d.size?.width ?? spec.width, height: d.size?.height ?? spec.height });
    } catch (e) {
      if (!(e instanceof ImageDecodeFailure)) throw e; // unreadable files are not previewed
    }
  }
  return out;
}

export async function augmentPreview(req: ApiRequest<'augmentPreview'>): Promise<AugmentPreviewResult> {
  const augment = presetAugment(req.augment);
  const model = { channels: req.input.channels, height: req.input.height, width: req.input.width };
  let spec;
  try {
    spec = runDataSpec(model, { augment, resize: req.resize ?? DEFAULT_SETTINGS.resize });
  } catch (e) {
    if (e instanceof TrainError) throw new StudioError('invalid-settings', e.message);
    throw e;
  }
  let scan;
  try {
    scan = await scanImageFolder(req.path, { valSplit: 0 });
  } catch (e) {
    if (e instanceof DatasetError) throw new StudioError('invalid-dataset', e.message);
    throw e;
  }
  const samples = await decodeAll(pickImages(scan.splits.train, scan.classes.length, req.images), spec.decode);
  if (samples.length === 0) return { images: [] };
  const cache = memoryCache(spec.decode, samples, scan.classes);
  const zeros = new Array<number>(model.channels).fill(0);
  const ones = new Array<number>(model.channels).fill(1);
  const loader = createLoader({
    cache,
    split: 'train',
    batchSize: samples.length,
    shuffle: false,
    seed: req.seed,
    augment,
    mean: zeros,
    std: ones,
    ...(spec.output ? { output: spec.output } : {}),
  });
  const plane = model.channels * model.height * model.width;
  const tiles: string[][] = samples.map(() => []);
  for (let epoch = 0; epoch < req.epochs; epoch++) {
    for await (const b of loader.epoch(epoch)) {
      for (let k = 0; k < b.size; k++)
        tiles[b.indices[k]!]!.push(await tile(b.images.subarray(k * plane, (k + 1) * plane), model.channels, model.height, model.width, 96));
    }
  }
  return { images: samples.map((s, i) => ({ path: s.entry.path, label: scan.classes[s.entry.label]!, tiles: tiles[i]! })) };
}
