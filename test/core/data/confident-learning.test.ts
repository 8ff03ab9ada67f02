import { describe, expect, it } from 'vitest';
import { classThresholds, findLabelIssues, pruneByNoiseRate } from '../../../core/data/confident-learning';

// Six samples, three classes; rows are p(class | x).
const probs = [
  [0.9, 0.05, 0.05], // 0: labelled 0, fine
  [0.7, 0.2, 0.1], // 1: labelled 0, fine
  [0.1, 0.85, 0.05], // 2: labelled 0, confidently 1: an issue
  [0.2, 0.7, 0.1], // 3: labelled 1, fine
  [0.05, 0.15, 0.8], // 4: labelled 2, fine
  [0.3, 0.35, 0.35], // 5: labelled 2, confident in nothing
].flat();
const labels = [0, 0, 0, 1, 2, 2];

describe('confident learning', () => {
  it('thresholds are the mean self-confidence of each class', () => {
    const t = classThresholds(probs, labels, 3);
    expect(t[0]).toBeCloseTo((0.9 + 0.7 + 0.1) / 3);
    expect(t[1]).toBeCloseTo(0.7);
    expect(t[2]).toBeCloseTo((0.8 + 0.35) / 2);
  });

  it('flags the off-diagonal of the confident joint, with margin and confidence', () => {
    const r = findLabelIssues(probs, labels, 3);
    expect(r.issues).toEqual([{ index: 2, label: 0, suggested: 1, confidence: 0.85, selfConfidence: 0.1, margin: expect.closeTo(0.75, 6) as number }]);
    // Sample 5 is below every threshold (t2 = 0.575, t1 = 0.7, t0 = 0.567): counted nowhere.
    expect(r.confidentJoint).toEqual([
      [2, 1, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
  });

  it('ranks by self-confidence, lowest first', () => {
    const p = [
      [0.9, 0.1],
      [0.8, 0.2],
      [0.12, 0.88], // labelled 0: self-confidence 0.12
      [0.05, 0.95], // labelled 0: self-confidence 0.05
      [0.1, 0.9],
      [0.2, 0.8],
    ].flat();
    expect(findLabelIssues(p, [0, 0, 0, 0, 1, 1], 2).issues.map((i) => i.index)).toEqual([3, 2]);
  });

  it('of several classes at or above their thresholds, suggests the most probable', () => {
    const p = [
      [0.8, 0.1, 0.1],
      [0.2, 0.45, 0.35], // labelled 0; t1 = 0.4 and t2 = 0.3 both passed: class 1
      [0.3, 0.4, 0.3],
      [0.4, 0.3, 0.3],
    ].flat();
    const r = findLabelIssues(p, [0, 0, 1, 2], 3);
    expect(r.issues.map((i) => [i.index, i.suggested])).toEqual([[1, 1]]);
  });

  it('refuses probabilities of the wrong size', () => {
    expect(() => findLabelIssues([0.5, 0.5, 0.5], [0, 1], 2)).toThrow(/3 values, expected 2 x 2/);
  });
});

describe('prune by noise rate', () => {
  // Class 0: eight images; three look like class 1, with different margins. Class 1: four clean images.
  const p = [
    [0.9, 0.1],
    [0.85, 0.15],
    [0.8, 0.2],
    [0.75, 0.25],
    [0.7, 0.3],
    [0.2, 0.8], // margin 0.6
    [0.1, 0.9], // margin 0.8
    [0.45, 0.55], // margin 0.1: below t1, so not in the confident joint
    [0.2, 0.8],
    [0.3, 0.7],
    [0.25, 0.75],
    [0.15, 0.85],
  ].flat();
  const labels = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1];

  it('flags round(C[i][j] n_i / row total) images per cell, the largest margins', () => {
    // t0 = 4.75 / 8 = 0.594, t1 = 3.1 / 4 = 0.775. Row 0 of the confident joint: five confidently
    // 0, two confidently 1, one (0.45, 0.55) nowhere: calibrated C~[0][1] = 2 * 8 / 7 = 2.3 -> 2 images.
    const r = pruneByNoiseRate(p, labels, 2);
    expect(r.confidentJoint[0]).toEqual([5, 2]);
    expect(r.issues.map((i) => [i.index, i.suggested])).toEqual([
      [6, 1],
      [5, 1],
    ]);
    expect(findLabelIssues(p, labels, 2).issues.map((i) => i.index)).toEqual([6, 5]);
  });

  it('keeps at least one image of every class', () => {
    const all = [0.1, 0.9, 0.2, 0.8, 0.05, 0.95, 0.1, 0.9];
    const r = pruneByNoiseRate(all, [0, 0, 1, 1], 2);
    expect(r.issues.filter((i) => i.label === 0).length).toBeLessThanOrEqual(1);
  });
});
