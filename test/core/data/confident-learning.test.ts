import { describe, expect, it } from 'vitest';
import { classThresholds, findLabelIssues } from '../../../core/data/confident-learning';

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

  it('ranks by margin, largest first', () => {
    const p = [
      [0.9, 0.1],
      [0.8, 0.2],
      [0.12, 0.88], // labelled 0: margin 0.76
      [0.05, 0.95], // labelled 0: margin 0.9
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
