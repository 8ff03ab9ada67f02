import { describe, expect, it } from 'vitest';
import { assignFolds } from '../../../main/doctor/folds';
import type { ImageEntry } from '../../../main/data/scan';

const entry = (label: number, i: number): ImageEntry => ({ path: `/d/${label}/${i}.png`, rel: `${label}/${i}.png`, label, size: 1, mtimeMs: 0 });

describe('assignFolds', () => {
  const entries = [...Array.from({ length: 10 }, (_, i) => entry(0, i)), ...Array.from({ length: 7 }, (_, i) => entry(1, i))];

  it('spreads every class evenly over the folds', () => {
    const folds = assignFolds(entries, 3, 5);
    for (const label of [0, 1]) {
      const counts = [0, 1, 2].map((f) => entries.filter((e, i) => e.label === label && folds[i] === f).length);
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    }
  });

  it('depends on the seed and the paths, not on the order of the list', () => {
    const folds = assignFolds(entries, 3, 5);
    const reversed = [...entries].reverse();
    const again = assignFolds(reversed, 3, 5);
    expect(reversed.map((e) => again[reversed.indexOf(e)])).toEqual(reversed.map((e) => folds[entries.indexOf(e)]));
    expect(assignFolds(entries, 3, 6)).not.toEqual(folds);
  });
});
