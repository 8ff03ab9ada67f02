import { describe, expect, it } from 'vitest';
import { quantizeBias, quantizePerChannel, roundHalfEven, uint8Params } from '../../../core/quant/params';

describe('quantization parameters (hand-derived cases)', () => {
  it('rounds half to even, as QuantizeLinear does', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, 2, 3]);
  });

  it('uint8: scale = (max - min) / 255 over a range widened to contain 0; zero point = round(-min / scale)', () => {
    // [-1, 3]: scale 4/255, zero point 255/4 = 63.75 -> 64.
    const p = uint8Params(-1, 3);
    expect(p.scale).toBe(Math.fround(4 / 255));
    expect(p.zeroPoint).toBe(64);
    // All positive (after Relu): the range starts at 0, zero point 0.
    expect(uint8Params(0.5, 2.55)).toEqual({ scale: Math.fround(2.55 / 255), zeroPoint: 0 });
    // All negative: 0 is the top of the range.
    expect(uint8Params(-5.1, -1).zeroPoint).toBe(255);
    // A constant zero tensor still gets a valid (positive) scale.
    expect(uint8Params(0, 0)).toEqual({ scale: 1, zeroPoint: 0 });
    expect(() => uint8Params(2, 1)).toThrow(/invalid calibration range/);
  });

  it('int8 weights: symmetric per output channel, scale = max|w| / 127, values in [-127, 127]', () => {
    const w = Float32Array.from([1, -2, 0.5, 0, 0, 0, 0.25, 0.125, -0.0625]);
    const q = quantizePerChannel(w, 3);
    expect(Array.from(q.scales)).toEqual([Math.fround(2 / 127), 1, Math.fround(0.25 / 127)]);
    // 1 / (2/127) = 63.5 -> 64 (half to even); -2 -> -127; 0.5 -> 31.75 -> 32.
    expect(Array.from(q.values.slice(0, 3))).toEqual([64, -127, 32]);
    expect(Array.from(q.values.slice(3, 6))).toEqual([0, 0, 0]);
    expect(Array.from(q.values.slice(6))).toEqual([127, 64, -32]);
    expect(() => quantizePerChannel(w, 2)).toThrow(/do not split into 2 channels/);
  });

  it('int32 bias: scale = input scale x weight scale of the channel', () => {
    const b = quantizeBias(Float32Array.from([0.5, -1]), 0.01, Float32Array.from([0.1, 0.02]));
    expect(Array.from(b.scales)).toEqual([Math.fround(0.001), Math.fround(0.0002)]);
    expect(Array.from(b.values)).toEqual([500, -5000]);
  });
});
