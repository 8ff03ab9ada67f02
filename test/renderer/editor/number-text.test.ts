/** The number fields' reading of what people type (renderer/editor/number-text.ts). */
import { describe, expect, it } from 'vitest';
import { between, decimalSeparator, formatNumberText, parseNumberText, readFieldText } from '../../../renderer/editor/number-text';

const value = (text: string, decimal: '.' | ',' = '.') => {
  const r = parseNumberText(text, decimal);
  return r.ok ? r.value : r.reason;
};

describe('number field text', () => {
  it('reads the forms people type: 0.001, .001, 1e-3, 1E-3, +2, -2, 8.', () => {
    expect(value('0.001')).toBe(0.001);
    expect(value('.001')).toBe(0.001);
    expect(value('1e-3')).toBe(0.001);
    expect(value('1E-3')).toBe(0.001);
    expect(value(' 8 ')).toBe(8);
    expect(value('8.')).toBe(8);
    expect(value('+2')).toBe(2);
    expect(value('-2')).toBe(-2);
  });

  it('reads a decimal comma in comma locales, and a pasted point there too', () => {
    expect(value('0,001', ',')).toBe(0.001);
    expect(value(',5', ',')).toBe(0.5);
    expect(value('0.001', ',')).toBe(0.001);
  });

  it('refuses partial or foreign text with a reason instead of guessing', () => {
    expect(value('')).toBe('enter a number');
    expect(value('1e')).toBe('"1e" is not a number');
    expect(value('-')).toBe('"-" is not a number');
    expect(value('0x10')).toBe('"0x10" is not a number');
    expect(value('1,5,3', ',')).toBe('"1,5,3" is not a number');
    expect(value('0,001')).toMatch(/write decimals with a point/);
    expect(value('1e999')).toBe('1e999 is too large');
  });

  it('knows the decimal separator of a locale', () => {
    expect(decimalSeparator('en-US')).toBe('.');
    expect(decimalSeparator('de-DE')).toBe(',');
    expect(decimalSeparator('fr-FR')).toBe(',');
    expect(formatNumberText(0.001, ',')).toBe('0,001');
    expect(formatNumberText(1e-7, '.')).toBe('1e-7');
  });

  it('refuses 2.5 and 1e-3 for a whole-number field, never rounding them', () => {
    const whole = (t: string) => readFieldText(t, '.', true, between(1, 10000));
    expect(whole('2.5')).toEqual({ ok: false, reason: 'must be a whole number, got 2.5' });
    expect(whole('1e-3')).toEqual({ ok: false, reason: 'must be a whole number, got 0.001' });
    expect(whole('1e9')).toEqual({ ok: false, reason: 'must be at most 10000, got 1000000000' });
    expect(whole('-2')).toEqual({ ok: false, reason: 'must be at least 1, got -2' });
    expect(whole('8')).toEqual({ ok: true, value: 8 });
    expect(whole('1e2')).toEqual({ ok: true, value: 100 });
  });

  it('checks bounds with an exclusive minimum where zero is no value (learning rate)', () => {
    const lr = between(0, 10, { above: true });
    expect(lr(0)).toBe('must be greater than 0, got 0');
    expect(lr(1e-9)).toBeNull();
    expect(lr(11)).toBe('must be at most 10, got 11');
  });
});
