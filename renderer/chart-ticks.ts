/**
 * "Nice" axis ticks: steps of 1, 2 or 5 x 10^k, and labels with only as many decimals as the step
 * needs (0.5 steps: "0.5", "1", "1.5"; never "0.500" or "10.07").
 */
export interface Ticks {
  /** The axis range, widened to whole steps unless a bound was fixed. */
  lo: number;
  hi: number;
  step: number;
  values: number[];
}

/** The smallest 1/2/5 x 10^k step that covers `span` in at most `maxSteps` steps. */
export function niceStep(span: number, maxSteps: number): number {
  const raw = span / Math.max(1, maxSteps);
  const k = Math.floor(Math.log10(raw));
  const base = 10 ** k;
  for (const m of [1, 2, 5, 10]) if (m * base >= raw * (1 - 1e-9)) return m * base;
  return 10 * base;
}

/** Ticks between lo and hi; `fixLo`/`fixHi` keep a bound as given (0 for a loss, 1 for accuracy). */
export function niceTicks(lo: number, hi: number, maxSteps = 4, fix: { lo?: boolean; hi?: boolean } = {}): Ticks {
  if (!(hi > lo)) [lo, hi] = [lo - 0.5, lo + 0.5];
  const step = niceStep(hi - lo, maxSteps);
  const a = fix.lo ? lo : Math.floor(lo / step + 1e-9) * step;
  const b = fix.hi ? hi : Math.ceil(hi / step - 1e-9) * step;
  const values: number[] = [];
  // Counting whole steps (not adding step repeatedly) keeps 0.1 + 0.2 rounding out of the labels.
  for (let i = Math.ceil(a / step - 1e-9); i * step <= b + step * 1e-9; i++) values.push(roundToStep(i * step, step));
  return { lo: a, hi: b, step, values };
}

function roundToStep(v: number, step: number): number {
  const d = decimalsFor(step);
  return d > 0 ? Number(v.toFixed(Math.min(d, 20))) : v;
}

/** Decimals a step of 1/2/5 x 10^k needs: 0.5 -> 1, 0.02 -> 2, 5 -> 0. */
export function decimalsFor(step: number): number {
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}

/** A tick's label for a given step: "0.2", "1", "2e-5" (steps below 0.001 in exponent form). */
export function tickLabel(v: number, step: number): string {
  if (Math.abs(v) < step * 1e-6) return '0';
  const d = decimalsFor(step);
  if (d > 3) return Number(v.toPrecision(6)).toExponential().replace('e+', 'e');
  // Rounded to the step's decimals, then without trailing zeros: 1 rather than 1.0 between 0.5 and 1.5.
  return String(Number(v.toFixed(d)));
}
