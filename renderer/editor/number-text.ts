/**
 * Reading and writing the text of a number field. People type `0.001`, `.001`, `1e-3`, and in
 * locales that write decimals with a comma, `0,001`. The text is read only when the person is done
 * (blur or Enter), so partial text such as `1e` or `-` never turns into a number on its own.
 */

/** The decimal separator of a locale ('.' or ','), from the browser's own number formatting. */
export function decimalSeparator(locale: string | undefined): '.' | ',' {
  try {
    const part = new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === 'decimal');
    return part?.value === ',' ? ',' : '.';
  } catch {
    return '.';
  }
}

export type ParsedNumber = { ok: true; value: number } | { ok: false; reason: string };

/** Optional sign, digits with an optional fraction (or only a fraction), optional exponent. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Reads `text` as a number written with `decimal` as the decimal separator. */
export function parseNumberText(text: string, decimal: '.' | ','): ParsedNumber {
  const t = text.trim();
  if (t === '') return { ok: false, reason: 'enter a number' };
  if (decimal === '.' && t.includes(',')) return { ok: false, reason: `"${t}" is not a number: write decimals with a point (0.001)` };
  // With a comma locale both separators are read as decimals: a pasted "0.001" means the same.
  const canonical = decimal === ',' ? t.replace(',', '.') : t;
  if (!NUMBER.test(canonical)) return { ok: false, reason: `"${t}" is not a number` };
  const value = Number(canonical);
  if (!Number.isFinite(value)) return { ok: false, reason: `${t} is too large` };
  return { ok: true, value };
}

/** The text a field shows for a value: JavaScript's shortest round-trip form, in the locale's decimal. */
export function formatNumberText(value: number, decimal: '.' | ','): string {
  const s = String(value);
  return decimal === ',' ? s.replace('.', ',') : s;
}

/**
 * Why `text` is refused for a field (null: accepted, with its value), checking that the
 * number is whole where the field needs one: 2.5 and 1e-3 are never rounded into a count.
 */
export function readFieldText(text: string, decimal: '.' | ',', integer: boolean, check: (v: number) => string | null): ParsedNumber {
  const parsed = parseNumberText(text, decimal);
  if (!parsed.ok) return parsed;
  const v = parsed.value;
  if (integer && !Number.isInteger(v)) return { ok: false, reason: `must be a whole number, got ${formatNumberText(v, decimal)}` };
  const why = check(v);
  return why ? { ok: false, reason: why } : parsed;
}

/** A field's bounds as a check: `above` makes the minimum exclusive (a learning rate above 0). */
export function between(min: number, max: number, opts: { above?: boolean } = {}): (v: number) => string | null {
  return (v) => {
    if (opts.above ? v <= min : v < min) return `must be ${opts.above ? 'greater than' : 'at least'} ${min}, got ${v}`;
    if (v > max) return `must be at most ${max}, got ${v}`;
    return null;
  };
}
