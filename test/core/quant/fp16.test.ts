import { describe, expect, it } from 'vitest';
import { float16Bits, float16Value } from '../../../core/quant/fp16';

describe('float16 conversion', () => {
  it('known bit patterns (IEEE 754 binary16)', () => {
    expect(float16Bits(1)).toBe(0x3c00);
    expect(float16Bits(-2)).toBe(0xc000);
    expect(float16Bits(65504)).toBe(0x7bff);
    expect(float16Bits(65520)).toBe(0x7c00); // rounds up to inf
    expect(float16Bits(0.1)).toBe(0x2e66);
    expect(float16Bits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(float16Bits(2 ** -26)).toBe(0); // below half of it
    expect(float16Bits(Infinity)).toBe(0x7c00);
    expect(float16Bits(NaN) & 0x7c00).toBe(0x7c00);
    // 1 + 2^-11 is exactly between 1 and 1 + 2^-10: ties to even (1).
    expect(float16Bits(1 + 2 ** -11)).toBe(0x3c00);
    expect(float16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
  });

  it('round-trips every finite half value', () => {
    for (let h = 0; h < 0x7c00; h += 7) {
      expect(float16Bits(float16Value(h))).toBe(h);
      expect(float16Bits(-float16Value(h)) & 0x7fff).toBe(h);
    }
  });
});
