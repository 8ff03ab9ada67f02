/**
 * How a run decodes its images. Usually at the model's size, with the run's resize policy. With
 * RandomResizedCrop (the `imagenet` augmentation) the whole image is needed each epoch, so the cache
 * keeps a storage-resolution copy instead (a square of storeSide(), stretched, with each image's own
 * size recorded) and every batch is cut from it: random crops for training, the resize policy's box
 * for validation (core/data/resized-crop.ts).
 */
import { storeSide } from '../../core/data/resized-crop';
import type { DecodeSpec } from '../data/decode';
import type { LoaderOptions } from '../data/loader';
import { TrainError } from './run-folder';
import type { TrainSettings } from './types';

export interface RunDataSpec {
  decode: DecodeSpec;
  /** set for storage-resolution caches: what the loaders cut samples to */
  output?: NonNullable<LoaderOptions['output']>;
}

/** RandomResizedCrop cuts boxes out of the image, which letterbox padding cannot be combined with. */
const LETTERBOX_CROP =
  'the imagenet augmentation crops the images (RandomResizedCrop), so it cannot letterbox them: use --resize center-crop or stretch, or --augment light';

/** Why these settings cannot be trained (crops with letterbox), or null: checked by validateSettings too. */
export function cropPolicyConflict(settings: Pick<TrainSettings, 'augment' | 'resize'>): string | null {
  return settings.augment?.resizedCrop && settings.resize === 'letterbox' ? LETTERBOX_CROP : null;
}

export function runDataSpec(model: { channels: 1 | 3; height: number; width: number }, settings: Pick<TrainSettings, 'augment' | 'resize'>): RunDataSpec {
  const atModelSize: DecodeSpec = { channels: model.channels, height: model.height, width: model.width, resize: settings.resize };
  if (!settings.augment?.resizedCrop) return { decode: atModelSize };
  if (settings.resize === 'letterbox') throw new TrainError('bad-settings', LETTERBOX_CROP);
  const side = storeSide(model.height, model.width);
  return {
    decode: { channels: model.channels, height: side, width: side, resize: 'stretch', recordSize: true },
    output: { height: model.height, width: model.width, policy: settings.resize },
  };
}
