/**
 * The data pipeline's public API (what the trainer, the backend and the CLI use):
 *   const d = await prepareDataset(root, { input: { channels, height, width, resize }, valSplit, seed });
 *   assertTrainable(d);
 *   const train = createLoader({ cache: d.cache, split: 'train', batchSize, seed, augment, mean: d.mean, std: d.std });
 *   for await (const batch of train.epoch(e)) { ... batch.images, batch.labels ... }
 *   await d.cache.close();
 */
export { prepareDataset, assertTrainable, type PrepareOptions, type PreparedDataset } from './dataset';
export { scanImageFolder, IMAGE_EXTENSIONS, type ScanOptions, type ScanResult, type ImageEntry, type SplitName } from './scan';
export { openDecodeCache, type CacheOptions, type CacheProgress, type DecodeCache, type SplitView } from './cache';
export { createLoader, type Batch, type Loader, type LoaderOptions } from './loader';
export {
  decodeImage,
  decodeImageFloat,
  decodeBuffer,
  ImageDecodeFailure,
  RESIZE_POLICIES,
  ALPHA_BACKGROUND,
  type DecodeSpec,
  type ResizePolicy,
} from './decode';
export { defaultCacheDir } from './cache-dir';
export { DatasetError, type FileIssue } from './errors';
export type { AugmentOptions } from '../../core/data/augment';
