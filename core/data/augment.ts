/**
 * Training-time augmentation on CHW uint8 samples, written straight into the normalised float
 * batch: no intermediate images, one pass per sample. Follows torchvision's definitions:
 *  - RandomCrop(size, padding=P): pad P zeros on every side, crop HxW at a uniform offset in
 *    [0, 2P] each way. Equivalent: out[y][x] = src[y + dy][x + dx] with dy, dx in [-P, P],
 *    and 0 where that falls outside the image.
 *  - RandomHorizontalFlip(p): out[y][x] = in[y][W-1-x].
 *  - ColorJitter(brightness=b, contrast=k), brightness first, then contrast:
 *      x <- clamp(x * fb, 0, 1),            fb uniform in [max(0, 1-b), 1+b]
 *      x <- clamp(fc * x + (1-fc) * m, 0, 1), fc uniform in [max(0, 1-k), 1+k],
 *    where m is the mean of the image's grey version (0.299 R + 0.587 G + 0.114 B; the one channel
 *    for grey images), computed after the brightness step.
 * Crop, then flip, then jitter, then (x - mean) / std.
 */
import type { Rng } from './rng';
import type { ResizedCropOptions } from './resized-crop';

export interface AugmentOptions {
  /**
   * RandomResizedCrop (core/data/resized-crop.ts) from a storage-resolution cache, instead of the
   * padded crop: a random area and aspect ratio of the whole image, resized to the model's size.
   */
  resizedCrop?: ResizedCropOptions;
  /** zero padding before a random crop back to HxW; 0 or absent = no crop */
  cropPadding?: number;
  /** horizontal flip probability; true means 0.5 */
  hflip?: boolean | number;
  /** brightness jitter strength b (factor drawn from [max(0, 1-b), 1+b]); 0 = off */
  brightness?: number;
  /** contrast jitter strength (factor drawn from [max(0, 1-k), 1+k]); 0 = off */
  contrast?: number;
}

/** What was drawn for one sample. dy, dx: crop offset relative to the unpadded image. */
export interface SampleAugment {
  dy: number;
  dx: number;
  flip: boolean;
  /** 1 = unchanged */
  brightness: number;
  /** 1 = unchanged */
  contrast: number;
}

export const IDENTITY_AUGMENT: SampleAugment = { dy: 0, dx: 0, flip: false, brightness: 1, contrast: 1 };

/** Draws one sample's parameters. The number of draws is fixed per option set, so streams stay aligned. */
export function drawAugment(rng: Rng, o: AugmentOptions): SampleAugment {
  const p = Math.max(0, Math.floor(o.cropPadding ?? 0));
  const flipP = o.hflip === true ? 0.5 : typeof o.hflip === 'number' ? o.hflip : 0;
  const b = o.brightness ?? 0;
  const k = o.contrast ?? 0;
  return {
    dy: p > 0 ? rng.int(2 * p + 1) - p : 0,
    dx: p > 0 ? rng.int(2 * p + 1) - p : 0,
    flip: flipP > 0 ? rng.next() < flipP : false,
    brightness: b > 0 ? rng.uniform(Math.max(0, 1 - b), 1 + b) : 1,
    contrast: k > 0 ? rng.uniform(Math.max(0, 1 - k), 1 + k) : 1,
  };
}

export function validateAugment(o: AugmentOptions): string | null {
  const bad = (name: string, v: unknown): string => `augment.${name}: ${String(v)} is out of range`;
  if (o.cropPadding !== undefined && !(Number.isInteger(o.cropPadding) && o.cropPadding >= 0)) return bad('cropPadding', o.cropPadding);
  if (typeof o.hflip === 'number' && !(o.hflip >= 0 && o.hflip <= 1)) return bad('hflip', o.hflip);
  if (o.brightness !== undefined && !(o.brightness >= 0 && Number.isFinite(o.brightness))) return bad('brightness', o.brightness);
  if (o.contrast !== undefined && !(o.contrast >= 0 && Number.isFinite(o.contrast))) return bad('contrast', o.contrast);
  const rc = o.resizedCrop;
  if (rc) {
    const [s0, s1] = rc.scale;
    const [r0, r1] = rc.ratio;
    if (!(s0 > 0 && s0 <= s1 && s1 <= 1)) return `augment.resizedCrop.scale: [${s0}, ${s1}] must satisfy 0 < min <= max <= 1`;
    if (!(r0 > 0 && r0 <= r1 && Number.isFinite(r1))) return `augment.resizedCrop.ratio: [${r0}, ${r1}] must satisfy 0 < min <= max`;
    if ((o.cropPadding ?? 0) > 0) return 'augment: resizedCrop replaces the padded crop; set cropPadding to 0';
  }
  return null;
}
