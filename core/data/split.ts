/**
 * Stratified train/validation split, deterministic for a seed and independent of the order the
 * file system lists files in.
 *
 * Within each class every item gets a rank key hash(seed, item key); the nVal items with the
 * smallest keys go to validation. Because a rank depends only on the item itself, adding or
 * removing one file moves at most one other file across the split, and classes never affect
 * each other.
 */
import { hashString } from './hash';
import { compareCodePoints } from './sort';

/**
 * How many of n items go to validation: round(n * f), but at least 1 when f > 0 and the class has
 * 2 or more items, and never all of them (every class keeps a training sample).
 */
export function validationCount(n: number, fraction: number): number {
  if (!(fraction > 0) || n < 2) return 0;
  const k = Math.round(n * fraction);
  return Math.min(n - 1, Math.max(1, k));
}

export interface SplitResult<T> {
  train: T[];
  val: T[];
}

export function stratifiedSplit<T>(items: readonly T[], key: (t: T) => string, fraction: number, seed: number): SplitResult<T> {
  const s = seed >>> 0;
  const ranked = items.map((t) => ({ t, k: key(t), h: hashString(key(t), s) })).sort((a, b) => a.h - b.h || compareCodePoints(a.k, b.k));
  const nVal = validationCount(items.length, fraction);
  const byKey = (a: { k: string }, b: { k: string }): number => compareCodePoints(a.k, b.k);
  return {
    val: ranked
      .slice(0, nVal)
      .sort(byKey)
      .map((r) => r.t),
    train: ranked
      .slice(nVal)
      .sort(byKey)
      .map((r) => r.t),
  };
}
