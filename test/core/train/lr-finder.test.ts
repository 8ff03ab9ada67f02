import { describe, expect, it } from 'vitest';
import { checkLrSweep, DEFAULT_LR_SWEEP, LrRangeTest, suggestLr, sweepLr, type LrPoint } from '../../../core/train/lr-finder';

/** Feeds raw losses loss(lr) along the default sweep until the test says stop. */
function sweepWith(loss: (lr: number, i: number) => number, beta?: number): LrRangeTest {
  const t = new LrRangeTest(beta);
  for (let i = 0; i < DEFAULT_LR_SWEEP.steps; i++) if (!t.add(sweepLr(DEFAULT_LR_SWEEP, i), loss(sweepLr(DEFAULT_LR_SWEEP, i), i))) break;
  return t;
}

describe('LR sweep schedule', () => {
  it('goes from min to max in equal ratios', () => {
    const s = { minLr: 1e-7, maxLr: 10, steps: 100 };
    expect(sweepLr(s, 0)).toBeCloseTo(1e-7, 20);
    expect(sweepLr(s, 99)).toBeCloseTo(10, 10);
    const ratio = sweepLr(s, 1) / sweepLr(s, 0);
    for (let i = 1; i < 99; i++) expect(sweepLr(s, i + 1) / sweepLr(s, i)).toBeCloseTo(ratio, 10);
    // 8 decades over 99 intervals.
    expect(Math.log10(ratio)).toBeCloseTo(8 / 99, 12);
  });

  it('refuses sweeps that cannot work', () => {
    expect(checkLrSweep({ minLr: 0, maxLr: 1, steps: 100 })).toMatch(/lowest learning rate must be a positive number/);
    expect(checkLrSweep({ minLr: 1, maxLr: 0.1, steps: 100 })).toMatch(/highest learning rate \(0.1\) must be above the lowest \(1\)/);
    expect(checkLrSweep({ minLr: 1e-5, maxLr: 1, steps: 2 })).toMatch(/from 5 to 10000/);
    expect(checkLrSweep(DEFAULT_LR_SWEEP)).toBeNull();
  });
});

describe('smoothed loss', () => {
  it('is bias-corrected: a constant loss stays constant from the first step', () => {
    const t = sweepWith(() => 2.5);
    expect(t.curve.length).toBe(100);
    for (const p of t.curve) expect(p.loss).toBeCloseTo(2.5, 12);
  });

  it('is the exponential moving average divided by 1 - beta^(i+1)', () => {
    const t = new LrRangeTest(0.5);
    t.add(1, 4);
    t.add(2, 2);
    // m0 = 0.5*4 = 2 -> 2/(1-0.5) = 4; m1 = 0.5*2 + 0.5*2 = 2 -> 2/(1-0.25) = 8/3.
    expect(t.curve.map((p) => p.loss)).toEqual([4, 8 / 3]);
  });

  it('stops on divergence (over 4x the best smoothed loss) and on a non-finite loss', () => {
    const t = sweepWith((lr) => (lr < 1e-2 ? 1 : 1000));
    expect(t.diverged).toBe(true);
    expect(Math.max(...t.curve.map((p) => p.loss))).toBeLessThanOrEqual(4);
    // The first step at lr >= 1e-2 (i = 62) lifts the smoothed loss to ~27: the curve ends before it.
    expect(t.curve.length).toBe(62);
    const nan = sweepWith((lr) => (lr < 1e-3 ? 1 : NaN));
    expect(nan.diverged).toBe(true);
    expect(nan.curve.every((p) => p.lr < 1e-3)).toBe(true);
  });
});

describe('steepest-descent suggestion', () => {
  it('finds the steepest fall of a synthetic sigmoid curve in log lr', () => {
    // loss = 2 - tanh(log10(lr) + 3): steepest at lr = 1e-3, no noise; then diverges above 1e-1.
    const t = sweepWith((lr) => (lr > 0.1 ? 2 + 50 * (Math.log10(lr) + 1) : 2 - Math.tanh(Math.log10(lr) + 3)), 0);
    const s = suggestLr(t.curve)!;
    expect(Math.abs(Math.log10(s) + 3)).toBeLessThan(0.1);
  });

  it('follows the smoothed curve: the average delays the fall a little, not by decades', () => {
    const t = sweepWith((lr, i) => 2 - Math.tanh(2 * (Math.log10(lr) + 4)) + 0.05 * Math.sin(i * 12.9898));
    const s = suggestLr(t.curve)!;
    expect(Math.log10(s)).toBeGreaterThan(-4.2);
    expect(Math.log10(s)).toBeLessThan(-3);
  });

  it('gives no suggestion when the loss only rises or the curve is too short', () => {
    const rising: LrPoint[] = Array.from({ length: 50 }, (_, i) => ({ lr: 10 ** (-5 + i / 10), loss: 1 + i / 100 }));
    expect(suggestLr(rising)).toBeNull();
    expect(suggestLr(rising.slice(0, 2))).toBeNull();
  });
});
