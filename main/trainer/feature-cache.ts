/**
 * Cached backbone features (core/train/features.ts): with the frozen blocks in inference mode
 * and no augmentation, an image's features are the same every epoch, so they are computed once
 * (a pass over the training split at the start of the phase's first epoch, in the loader's
 * unshuffled order) and kept in memory, one row per sample. Each epoch then feeds the head step
 * the rows of its batches, in the same shuffled order as the loader's batches of images.
 *
 * Bound: rows x features x 4 bytes must fit featureCacheMb; past it nothing is cached and the
 * backbone runs inside every step (the uncached path, same results), with a log line saying so.
 */
import type * as ort from 'onnxruntime-node';
import { buildHeadStep, type FeatureExtractor } from '../../core/train/features';
import type { TrainStepGraph } from '../../core/train/build-train-step';
import type { ModelDocument } from '../../core/graph/index';
import { DEFAULT_FEATURE_CACHE_MB } from './finetune';
import type { TrainSettings } from './types';
import type { Loader } from '../data/loader';
import { createSession, f32 } from './ort-session';

/** Bytes the cache of `rows` samples of `shape` features takes. */
export function featureBytes(rows: number, shape: readonly number[]): number {
  return rows * shape.reduce((a, b) => a * b, 1) * 4;
}

/** Whether the features fit the bound, or the sentence saying why they are not cached. */
export function cacheFits(rows: number, shape: readonly number[], boundMb: number): { fits: true } | { fits: false; reason: string } {
  const mb = featureBytes(rows, shape) / 2 ** 20;
  if (mb <= boundMb) return { fits: true };
  return {
    fits: false,
    reason: `the features of ${rows} images would take ${mb.toFixed(0)} MiB, more than the cache bound of ${boundMb} MiB (--feature-cache-mb): the frozen blocks run in every step`,
  };
}

/** One epoch's batch of cached features. */
export interface FeatureBatch {
  features: Float32Array;
  labels: BigInt64Array;
  size: number;
  step: number;
}

export class FeatureCache {
  private constructor(
    /** Row i: the features of training sample i. */
    private readonly rows: Float32Array,
    readonly shape: readonly number[],
    private readonly labels: Int32Array,
    readonly seconds: number,
  ) {}

  /** Runs the extractor over every training sample (`source`: unshuffled, unaugmented). */
  static async build(ex: FeatureExtractor, weight: (name: string) => Float32Array | undefined, source: Loader, threads: number): Promise<FeatureCache> {
    const t0 = performance.now();
    const per = ex.shape.reduce((a, b) => a * b, 1);
    const rows = new Float32Array(source.size * per);
    const session = await createSession(ex.model, { threads });
    try {
      const feeds: Record<string, ort.Tensor> = {};
      for (const name of ex.weightInputs) {
        const v = weight(name);
        if (!v) throw new Error(`feature extractor: no value for weight "${name}"`);
        const info = ex.model.graph.inputs.find((i) => i.name === name)!;
        feeds[name] = f32(v, info.shape as number[]);
      }
      for await (const b of source.epoch(0)) {
        const out = await session.run({ ...feeds, [ex.images]: f32(b.images, [b.size, ...source.shape]) });
        const data = out[ex.features]!.data as Float32Array;
        for (let k = 0; k < b.size; k++) rows.set(data.subarray(k * per, (k + 1) * per), b.indices[k]! * per);
      }
    } finally {
      await session.release();
    }
    return new FeatureCache(rows, ex.shape, source.labels, (performance.now() - t0) / 1000);
  }

  /** The batches of one epoch in `order` (the training loader's), dropping a last partial batch as it does. */
  *epoch(order: Int32Array, batchSize: number): Generator<FeatureBatch, void, void> {
    const per = this.shape.reduce((a, b) => a * b, 1);
    const steps = Math.floor(order.length / batchSize);
    const features = new Float32Array(batchSize * per);
    const labels = new BigInt64Array(batchSize);
    for (let step = 0; step < steps; step++) {
      for (let k = 0; k < batchSize; k++) {
        const i = order[step * batchSize + k]!;
        features.set(this.rows.subarray(i * per, (i + 1) * per), k * per);
        labels[k] = BigInt(this.labels[i]!);
      }
      yield { features, labels, size: batchSize, step };
    }
  }
}

/**
 * The head step of `doc` on cached features when this run can use them, else null with the
 * reason logged: augmentation changes the images every epoch, and the bound limits the memory.
 */
export function cachedHead(
  doc: ModelDocument,
  stepOptions: Parameters<typeof buildHeadStep>[1],
  settings: TrainSettings,
  trainCount: number,
  log: (m: string, level?: 'info' | 'warn') => void,
): { step: TrainStepGraph; extractor: FeatureExtractor } | null {
  if (!doc.nodes.some((n) => n.frozen === true)) return null;
  if (settings.augment) {
    log('frozen blocks: their features are not cached because augmentation changes the images every epoch (turn it off to cache them)');
    return null;
  }
  const head = buildHeadStep(doc, stepOptions);
  if ('reason' in head) {
    log(`frozen blocks: features not cached (${head.reason}); they run inside every step`);
    return null;
  }
  const fits = cacheFits(trainCount, head.features.shape, settings.featureCacheMb ?? DEFAULT_FEATURE_CACHE_MB);
  if (!fits.fits) {
    log(fits.reason, 'warn');
    return null;
  }
  const kib = featureBytes(trainCount, head.features.shape) / 1024;
  const size = kib < 1024 ? `${kib.toFixed(0)} KiB` : `${(kib / 1024).toFixed(1)} MiB`;
  log(`frozen blocks: their features [${head.features.shape.join(', ')}] are computed once per image and cached (${size}); the steps train only the rest`);
  return { step: head.step, extractor: head.features };
}
