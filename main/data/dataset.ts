/**
 * One call from a folder to everything a training run needs: scan, decode cache, per-class counts
 * of usable images, warnings, the corrupt-file report and the normalisation.
 */
import { imbalanceWarning, scanImageFolder, type ScanOptions, type ScanResult, type SplitName } from './scan';
import { openDecodeCache, type CacheOptions, type DecodeCache } from './cache';
import { DatasetError, type FileIssue } from './errors';

export interface PrepareOptions extends ScanOptions, CacheOptions {
  /** per-channel mean in [0,1] units; computed on the training split when absent */
  mean?: number[];
  /** per-channel std in [0,1] units; computed on the training split when absent */
  std?: number[];
}

export interface PreparedDataset {
  scan: ScanResult;
  cache: DecodeCache;
  classes: readonly string[];
  /** usable (decoded) images per split, per class */
  counts: Partial<Record<SplitName, number[]>>;
  /** scan warnings plus those only visible after decoding */
  warnings: string[];
  /** files that could not be decoded */
  corrupt: readonly FileIssue[];
  /** files that were not considered (hidden, other extensions, outside class folders) */
  skipped: readonly FileIssue[];
  mean: number[];
  std: number[];
  normalisation: 'given' | 'computed on train';
}

export async function prepareDataset(root: string, opts: PrepareOptions): Promise<PreparedDataset> {
  const scan = await scanImageFolder(root, opts);
  const cache = await openDecodeCache(scan, opts);
  const n = scan.classes.length;
  const counts: Partial<Record<SplitName, number[]>> = {};
  for (const name of ['train', 'val', 'test'] as const) {
    const v = cache.split(name);
    if (!v) continue;
    const c = new Array<number>(n).fill(0);
    for (const l of v.labels) c[l]!++;
    counts[name] = c;
  }
  // Scan warnings are about files found; after decoding some may be gone.
  const warnings = scan.warnings.filter((w) => !w.startsWith('class imbalance in train'));
  const trainCounts = counts.train!;
  const empty = scan.classes.filter((_, i) => trainCounts[i] === 0);
  if (empty.length > 0) warnings.push(`no readable training images for ${empty.join(', ')}`);
  const imb = imbalanceWarning(scan.classes, trainCounts, opts.imbalanceRatio ?? 3, 'train');
  if (imb) warnings.push(imb);
  if (cache.report.length > 0)
    warnings.push(`${cache.report.length} file${cache.report.length > 1 ? 's' : ''} could not be read and ${cache.report.length > 1 ? 'were' : 'was'} skipped`);

  const C = cache.spec.channels;
  let mean = opts.mean;
  let std = opts.std;
  let normalisation: PreparedDataset['normalisation'] = 'given';
  if (!mean || !std) {
    const s = cache.channelStats('train');
    mean = mean ?? s.mean;
    std = std ?? s.std;
    normalisation = 'computed on train';
  }
  if (mean.length === 1 && C > 1) mean = new Array<number>(C).fill(mean[0]!);
  if (std.length === 1 && C > 1) std = new Array<number>(C).fill(std[0]!);
  if (mean.length !== C || std.length !== C) throw new RangeError(`mean/std need ${C} values, got ${mean.length}/${std.length}`);
  const flat = std.map((s, i) => (s > 0 ? -1 : i)).filter((i) => i >= 0);
  if (flat.length > 0) {
    warnings.push(
      `channel${flat.length > 1 ? 's' : ''} ${flat.join(', ')} ${flat.length > 1 ? 'are' : 'is'} constant over the training images (std 0): using std 1`,
    );
    std = std.map((s) => (s > 0 ? s : 1));
  }
  return { scan, cache, classes: scan.classes, counts, warnings, corrupt: cache.report, skipped: scan.skipped, mean, std, normalisation };
}

/**
 * Problems that make training impossible, as one DatasetError naming the folder: fewer than two
 * classes, or a class without a single readable training image. Call before building a model.
 */
export function assertTrainable(d: PreparedDataset): void {
  const root = d.scan.root;
  if (d.classes.length < 2) {
    throw new DatasetError(
      `${root} has ${d.classes.length === 1 ? `one class (${d.classes[0]})` : 'no classes'}: a classifier needs at least two class folders`,
      root,
    );
  }
  const train = d.counts.train ?? [];
  const none = d.classes.filter((_, i) => !train[i]);
  if (none.length > 0) throw new DatasetError(`no readable training images for ${none.join(', ')} in ${root}`, root);
}
