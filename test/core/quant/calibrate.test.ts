import { describe, expect, it } from 'vitest';
import { entropyThresholdBins, quantileBins, RangeObserver } from '../../../core/quant/calibrate';

function observe(method: 'minmax' | 'percentile' | 'entropy', batches: Float32Array[]): { min: number; max: number } {
  const o = new RangeObserver();
  for (const b of batches) o.observeMinMax(b);
  if (method !== 'minmax') {
    o.beginHistogram(method);
    for (const b of batches) o.observeHistogram(b);
  }
  return o.range(method);
}

describe('calibration ranges', () => {
  it('minmax: the extremes over every batch', () => {
    expect(observe('minmax', [Float32Array.from([0, 1, -2]), Float32Array.from([3, 0.5])])).toEqual({ min: -2, max: 3 });
  });

  it('percentile ignores a rare outlier that minmax keeps', () => {
    const values = Float32Array.from({ length: 200000 }, (_, i) => (i % 1000) / 1000);
    values[0] = 1000;
    expect(observe('minmax', [values]).max).toBe(1000);
    const p = observe('percentile', [values]);
    expect(p.max).toBeLessThan(2);
    expect(p.min).toBe(0);
  });

  it('quantileBins finds the bins where the cumulative count crosses each fraction', () => {
    expect(quantileBins([10, 0, 80, 0, 10], 0.05, 0.95)).toEqual([0, 4]);
    expect(quantileBins([10, 0, 80, 0, 10], 0.15, 0.85)).toEqual([2, 2]);
  });

  it('entropy: a decaying histogram with a far outlier is cut near its mass; a flat one is not cut', () => {
    // Merging 16 bins per level over the full span loses the decay's shape; a cut near bin 300 keeps it.
    const hist = new Float64Array(2048);
    for (let i = 0; i < 300; i++) hist[i] = Math.round(1e6 * Math.exp(-i / 40));
    hist[2047] = 1;
    const cut = entropyThresholdBins(hist, 128);
    expect(cut).toBeGreaterThanOrEqual(128);
    expect(cut).toBeLessThan(600);
    const flat = new Float64Array(2048).fill(5);
    expect(entropyThresholdBins(flat, 128)).toBeGreaterThan(1900);
  });

  it('entropy on signed data clips the outlier side, never beyond the observed range', () => {
    // |x| histogram over [0, 50]: the data fill bins 0-205; the cut cannot go below 128 bins (3.125).
    const values = Float32Array.from({ length: 100000 }, (_, i) => Math.sin(i) * 5);
    values[1] = -50;
    const r = observe('entropy', [values]);
    expect(r.max).toBeLessThanOrEqual(5);
    expect(r.min).toBeGreaterThanOrEqual(-6);
    expect(r.min).toBeLessThanOrEqual(-3.125);
  });
});
