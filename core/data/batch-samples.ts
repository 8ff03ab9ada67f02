/**
 * The per-sample work of a batch: uint8 CHW samples from the decode cache -> the normalised float
 * batch, with the sample's augmentation. The same code runs on the trainer's thread and in the
 * loader's worker threads (main/data/loader-worker.ts), so both give bit-identical batches.
 *
 * Determinism: sample i of epoch e draws its augmentation from an RNG seeded by (seed, e, i), so
 * the result depends neither on the batch it lands in nor on which thread computes it.
 * Storage-resolution caches: the crop (RandomResizedCrop when training with it, else the resize
 * policy's evaluation box) is drawn first from the sample's stream, then flip and jitter (as
 * torchvision's Compose order), and the box is resampled to the model's size before writeSample.
 */
import { createRng, type Rng } from './rng';
import { seedOf } from './hash';
import { drawAugment, type AugmentOptions, type SampleAugment } from './augment';
import { createNormalizer, writeSample, type Normalizer } from './normalize';
import { drawResizedCropBox, evaluationBox, createBoxResampler, type BoxResampler } from './resized-crop';

/** Everything a thread needs to prepare samples; plain data, so it can be posted to a worker. */
export interface SamplePlan {
  channels: number;
  /** output (model) height and width */
  height: number;
  width: number;
  /** bytes of one stored sample */
  sampleBytes: number;
  /** storage-resolution caches: the stored square's size and the evaluation policy; null = samples are at the model's size */
  store: { height: number; width: number; policy: 'center-crop' | 'stretch' } | null;
  augment: AugmentOptions | null;
  seed: number;
  mean: readonly number[];
  std: readonly number[];
}

/** The stream tag of the per-sample augmentation RNG (seedOf(seed, epoch, index, AUGMENT_TAG)). */
export const AUGMENT_TAG = 0x4155;

export interface SampleWriter {
  /**
   * Writes samples [from, to) of a batch: raw holds them at k * sampleBytes, indices[k] is sample k's
   * index in the split, sizes[2k], sizes[2k + 1] its original width and height (storage caches only).
   */
  write(raw: Uint8Array, indices: ArrayLike<number>, sizes: ArrayLike<number> | null, epoch: number, images: Float32Array, from: number, to: number): void;
}

/** A writer with its own scratch buffers (one per thread). */
export function createSampleWriter(plan: SamplePlan): SampleWriter {
  const { channels: C, height: H, width: W, sampleBytes: sb, store, augment, seed } = plan;
  const norm: Normalizer = createNormalizer(plan.mean, plan.std);
  const sampleFloats = C * H * W;
  const scratch = augment ? new Float32Array(sampleFloats) : undefined;
  const cut = store ? new Uint8Array(sampleFloats) : null;
  const resampler: BoxResampler | null = store ? createBoxResampler(C, store, H, W) : null;

  /** The sample's box resampled into `cut`, flipped there when `aug` says so; returns what is left of aug for writeSample. */
  const cutFromStore = (raw: Uint8Array, offset: number, width: number, height: number, rng: Rng | null): SampleAugment | null => {
    const box = rng && augment?.resizedCrop ? drawResizedCropBox(rng, width, height, augment.resizedCrop) : evaluationBox(width, height, store!.policy, H, W);
    // Drawn after the box, as before: the flip and jitter draws keep their place in the sample's stream.
    const aug = rng && augment ? drawAugment(rng, augment) : null;
    resampler!.resample(raw, offset, { width, height }, box, cut!, aug?.flip ?? false);
    return aug && { ...aug, flip: false };
  };

  return {
    write(raw, indices, sizes, epoch, images, from, to) {
      for (let k = from; k < to; k++) {
        const i = indices[k]!;
        const rng = augment ? createRng(seedOf(seed, epoch, i, AUGMENT_TAG)) : null;
        if (store) {
          const rest = cutFromStore(raw, k * sb, sizes![2 * k]!, sizes![2 * k + 1]!, rng);
          writeSample(cut!, 0, C, H, W, rest, norm, images, k * sampleFloats, scratch);
        } else {
          writeSample(raw, k * sb, C, H, W, rng && augment ? drawAugment(rng, augment) : null, norm, images, k * sampleFloats, scratch);
        }
      }
    },
  };
}
