/** Metrics against hand-computed confusion matrices (scikit-learn's definitions). */
import { describe, expect, it } from 'vitest';
import { CORRECT_PER_CLASS, MetricsAccumulator, countCorrect, inTopK } from '../../../core/train/metrics';

describe('metrics', () => {
  it('accuracy, confusion, precision/recall/F1/support, misclassified', () => {
    const m = new MetricsAccumulator(['a', 'b', 'c']);
    // predictions: a, a, b, c, c, a   truth: a, b, b, c, a, a
    const logits = [5, 0, 0, 3, 1, 0, 0, 2, 1, 0, 0, 9, 0, 1, 4, 2, 1, 1];
    m.add(logits.slice(0, 9), [0, 1, 1], ['p0', 'p1', 'p2'], 1.0);
    m.add(logits.slice(9), BigInt64Array.from([2n, 0n, 0n]), ['p3', 'p4', 'p5'], 2.0);
    const r = m.result();
    expect(r.samples).toBe(6);
    expect(r.accuracy).toBeCloseTo(4 / 6, 12);
    expect(r.top5).toBeNull();
    expect(r.confusion).toEqual([
      [2, 0, 1],
      [1, 1, 0],
      [0, 0, 1],
    ]);
    // a: tp 2, predicted-a 3, true-a 3
    expect(r.perClass[0]).toEqual({ class: 'a', precision: 2 / 3, recall: 2 / 3, f1: 2 / 3, support: 3 });
    // b: tp 1, predicted-b 1, true-b 2 -> p 1, r 0.5, f1 2/3
    expect(r.perClass[1]!.precision).toBe(1);
    expect(r.perClass[1]!.recall).toBe(0.5);
    expect(r.perClass[1]!.f1).toBeCloseTo(2 / 3, 12);
    // c: tp 1, predicted-c 2, true-c 1
    expect(r.perClass[2]).toEqual({ class: 'c', precision: 0.5, recall: 1, f1: 2 / 3, support: 1 });
    expect(r.loss).toBeCloseTo(1.5, 12);
    // mistakes, most confident first: p4 (c with softmax([0,1,4])[2]) then p1 (a with softmax([3,1,0])[0])
    expect(r.misclassified.map((w) => w.path)).toEqual(['p4', 'p1']);
    const e = Math.exp;
    expect(r.misclassified[0]).toEqual({ path: 'p4', true: 'a', predicted: 'c', confidence: expect.closeTo(e(4) / (1 + e(1) + e(4)), 12) });
    expect(r.misclassified[1]!.true).toBe('b');
  });

  it('zero denominators give 0, not NaN', () => {
    const m = new MetricsAccumulator(['a', 'b']);
    m.add([1, 0, 1, 0], [0, 0], ['x', 'y']);
    const r = m.result();
    expect(r.perClass[1]).toEqual({ class: 'b', precision: 0, recall: 0, f1: 0, support: 0 });
    expect(r.accuracy).toBe(1);
  });

  it('top-5 only with more than 5 classes; ties rank by index', () => {
    const classes = ['0', '1', '2', '3', '4', '5', '6'];
    const m = new MetricsAccumulator(classes);
    // row 0: label 6 is 6th largest -> miss; row 1: label 4 is 5th -> hit
    m.add([7, 6, 5, 4, 3, 2, 1, 7, 6, 5, 4, 3, 2, 1], [5, 4], ['r0', 'r1']);
    expect(m.result().top5).toBe(0.5);
    expect(inTopK([1, 1, 1, 1, 1, 1], 0, 6, 5, 5)).toBe(false);
    expect(inTopK([1, 1, 1, 1, 1, 1], 0, 6, 4, 5)).toBe(true);
  });

  it('countCorrect and a cap on the mistakes list', () => {
    expect(countCorrect([0, 1, 1, 0, 0.5, 0.5], [1, 0, 1], 2)).toBe(2);
    const m = new MetricsAccumulator(['a', 'b'], 1);
    m.add([0, 1, 0, 2], [0, 0], ['x', 'y']);
    expect(m.result().misclassified.map((w) => w.path)).toEqual(['y']);
  });

  it('keeps, per class, the correct predictions the model was least sure of (for the diagonal cells)', () => {
    const m = new MetricsAccumulator(['a', 'b']);
    // 40 correct "a" with margins 0..39 (confidence rises with the margin), 3 correct "b", 1 mistake.
    const n = 40;
    const logits: number[] = [];
    const labels: number[] = [];
    const paths: string[] = [];
    for (let i = 0; i < n; i++) {
      logits.push((n - 1 - i) * 0.1, 0); // least sure last in input order, to exercise the insertion
      labels.push(0);
      paths.push(`a${n - 1 - i}`);
    }
    logits.push(0, 1, 0, 2, 0, 3, 5, 0);
    labels.push(1, 1, 1, 1);
    paths.push('b1', 'b2', 'b3', 'wrong');
    m.add(logits, labels, paths);
    const r = m.result();
    const a = r.leastConfidentCorrect.filter((s) => s.true === 'a');
    expect(a).toHaveLength(CORRECT_PER_CLASS);
    expect(a.map((s) => s.path)).toEqual(Array.from({ length: CORRECT_PER_CLASS }, (_, i) => `a${i}`));
    expect(a.every((s, i) => i === 0 || s.confidence >= a[i - 1]!.confidence)).toBe(true);
    expect(r.leastConfidentCorrect.filter((s) => s.true === 'b').map((s) => s.path)).toEqual(['b1', 'b2', 'b3']);
    expect(r.leastConfidentCorrect.every((s) => s.true === s.predicted)).toBe(true);
    expect(r.misclassified.map((s) => s.path)).toEqual(['wrong']);
  });
});
