/** Axis ticks of the training charts: 1/2/5 x 10^k steps, labels with only the decimals the step needs. */
import { describe, expect, it } from 'vitest';
import { decimalsFor, niceStep, niceTicks, tickLabel } from '../../renderer/chart-ticks';

const labels = (lo: number, hi: number, n = 4, fix: { lo?: boolean; hi?: boolean } = {}) => {
  const t = niceTicks(lo, hi, n, fix);
  return t.values.map((v) => tickLabel(v, t.step));
};

describe('nice ticks', () => {
  it('steps are 1, 2 or 5 x 10^k', () => {
    expect(niceStep(1, 4)).toBe(0.5);
    expect(niceStep(10.07, 4)).toBe(5);
    expect(niceStep(0.8, 4)).toBe(0.2);
    expect(niceStep(0.003, 4)).toBeCloseTo(0.001, 12);
    expect(niceStep(37, 5)).toBe(10);
    expect(decimalsFor(0.5)).toBe(1);
    expect(decimalsFor(0.1)).toBe(1);
    expect(decimalsFor(0.02)).toBe(2);
    expect(decimalsFor(5)).toBe(0);
  });

  it('accuracy from 0 to 1 reads 0, 0.5, 1 (not 0.500)', () => {
    expect(labels(0, 1, 4, { lo: true, hi: true })).toEqual(['0', '0.5', '1']);
    expect(labels(0, 1, 5, { lo: true, hi: true })).toEqual(['0', '0.2', '0.4', '0.6', '0.8', '1']);
  });

  it('a free top bound widens to a whole step (a loss of 10.07 reads 0, 5, 10, 15)', () => {
    const t = niceTicks(0, 10.07, 4, { lo: true });
    expect(t.hi).toBe(15);
    expect(t.values.map((v) => tickLabel(v, t.step))).toEqual(['0', '5', '10', '15']);
    expect(labels(0.31, 0.74)).toEqual(['0.2', '0.4', '0.6', '0.8']);
  });

  it('counts whole steps: no 0.30000000000000004', () => {
    expect(labels(0, 0.7, 7, { lo: true })).toEqual(['0', '0.1', '0.2', '0.3', '0.4', '0.5', '0.6', '0.7']);
  });

  it('small values (learning rates) in exponent form', () => {
    expect(labels(0, 0.001, 4, { lo: true })).toEqual(['0', '5e-4', '1e-3']);
    expect(labels(0, 3e-5, 3, { lo: true })).toEqual(['0', '1e-5', '2e-5', '3e-5']);
  });

  it('epochs on the x axis are whole numbers for whole-number ranges', () => {
    expect(labels(0, 2, 5, { lo: true })).toEqual(['0', '0.5', '1', '1.5', '2']);
    expect(labels(0, 20, 5, { lo: true })).toEqual(['0', '5', '10', '15', '20']);
  });

  it('a flat series gets a range around it', () => {
    const t = niceTicks(0.3, 0.3);
    expect(t.lo).toBeLessThan(0.3);
    expect(t.hi).toBeGreaterThan(0.3);
  });
});
