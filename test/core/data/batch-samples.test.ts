/**
 * The storage-resolution path of the sample writer against its definition, step by step: the
 * crop box, then the flip and jitter draws from the sample's stream (torchvision's order), the box
 * resampled (resampleBox), then writeSample with the whole augmentation. The writer flips inside
 * the resampler instead of copying the bytes again; the floats must not change.
 */
import { describe, expect, it } from 'vitest';
import { AUGMENT_TAG, createSampleWriter, type SamplePlan } from '../../../core/data/batch-samples';
import { drawAugment } from '../../../core/data/augment';
import { seedOf } from '../../../core/data/hash';
import { createNormalizer, writeSample } from '../../../core/data/normalize';
import { drawResizedCropBox, resampleBox } from '../../../core/data/resized-crop';
import { createRng } from '../../../core/data/rng';
import { AUGMENT_PRESETS } from '../../../core/train-defaults';

const C = 3;
const S = 40;
const H = 32;
const W = 32;
const plan: SamplePlan = {
  channels: C,
  height: H,
  width: W,
  sampleBytes: C * S * S,
  store: { height: S, width: S, policy: 'center-crop' },
  augment: { ...AUGMENT_PRESETS.imagenet },
  seed: 5,
  mean: [0.4, 0.5, 0.6],
  std: [0.2, 0.25, 0.3],
};

describe('sample writer, storage-resolution store with the imagenet preset', () => {
  it('gives the floats of crop -> resample -> writeSample(flip, jitter), bit for bit', () => {
    const n = 24;
    const rng = createRng(2);
    const raw = Uint8Array.from({ length: n * plan.sampleBytes }, () => rng.int(256));
    const sizes = Int32Array.from({ length: 2 * n }, () => 30 + rng.int(200));
    const indices = Int32Array.from({ length: n }, (_, k) => 7 * k + 3);
    const epoch = 4;
    const got = new Float32Array(n * C * H * W);
    createSampleWriter(plan).write(raw, indices, sizes, epoch, got, 0, n);

    const norm = createNormalizer(plan.mean, plan.std);
    const cut = new Uint8Array(C * H * W);
    const want = new Float32Array(C * H * W);
    let flipped = 0;
    for (let k = 0; k < n; k++) {
      const stream = createRng(seedOf(plan.seed, epoch, indices[k]!, AUGMENT_TAG));
      const original = { width: sizes[2 * k]!, height: sizes[2 * k + 1]! };
      const box = drawResizedCropBox(stream, original.width, original.height, plan.augment!.resizedCrop!);
      const aug = drawAugment(stream, plan.augment!);
      if (aug.flip) flipped++;
      resampleBox(raw, k * plan.sampleBytes, C, { height: S, width: S }, original, box, cut, H, W);
      writeSample(cut, 0, C, H, W, aug, norm, want, 0, new Float32Array(C * H * W));
      expect(got.subarray(k * C * H * W, (k + 1) * C * H * W), `sample ${k} (flip ${String(aug.flip)})`).toEqual(want);
    }
    // Both branches ran.
    expect(flipped).toBeGreaterThan(0);
    expect(flipped).toBeLessThan(n);
  });
});
