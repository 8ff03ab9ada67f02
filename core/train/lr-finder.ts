/**
 * Learning-rate range test (Smith 2017, "Cyclical Learning Rates", section 3.3; the fastai
 * lr_find): train from fresh weights while the learning rate grows exponentially each step, and
 * watch the loss. Pure math here; main/trainer/lr-find.ts runs the steps.
 *
 * - Schedule: lr_i = lo * (hi / lo)^(i / (n - 1)), i = 0 .. n-1 (equal steps in log lr).
 * - Smoothing: an exponential moving average with bias correction (as Adam's moments):
 *     m_i = beta m_{i-1} + (1 - beta) loss_i,  m_{-1} = 0,  smooth_i = m_i / (1 - beta^(i+1)).
 *   Without the correction the first points are pulled towards 0.
 * - Divergence: stop once smooth_i > 4 * min_j<=i smooth_j, or the loss is not finite.
 * - Suggestion, the "steepest descent" rule: the lr where the smoothed loss falls fastest per
 *   unit of log10(lr) (the most negative central-difference slope). There the model learns
 *   quickest while still stable; the minimum of the curve is too late (the loss is about to blow
 *   up) and the start too slow. The first and last few points are left out: the average is still
 *   settling at the start, and the last points lead into the divergence.
 */

export interface LrSweep {
  /** First and last learning rate of the sweep. */
  minLr: number;
  maxLr: number;
  /** Steps (learning rates) in the sweep. */
  steps: number;
}

export const DEFAULT_LR_SWEEP: LrSweep = { minLr: 1e-7, maxLr: 10, steps: 100 };
/** Weight of the past in the moving average (fastai's 0.98 over ~100 steps). */
export const SMOOTHING_BETA = 0.98;
/** The sweep stops once the smoothed loss exceeds this multiple of its best. */
export const DIVERGENCE_FACTOR = 4;

export interface LrPoint {
  lr: number;
  /** The smoothed, bias-corrected loss at this step. */
  loss: number;
}

/** Why a sweep is not usable, or null. */
export function checkLrSweep(s: LrSweep): string | null {
  if (!(s.minLr > 0 && Number.isFinite(s.minLr))) return `the lowest learning rate must be a positive number, not ${s.minLr}`;
  if (!(s.maxLr > s.minLr && Number.isFinite(s.maxLr))) return `the highest learning rate (${s.maxLr}) must be above the lowest (${s.minLr})`;
  if (!(Number.isInteger(s.steps) && s.steps >= 5 && s.steps <= 10_000)) return `the sweep needs a whole number of steps from 5 to 10000, not ${s.steps}`;
  return null;
}

/** Learning rate of step i of the sweep: equal ratios from minLr to maxLr. */
export function sweepLr(s: LrSweep, i: number): number {
  return s.minLr * Math.pow(s.maxLr / s.minLr, i / (s.steps - 1));
}

/** Accumulates raw losses into the smoothed curve and says when to stop. */
export class LrRangeTest {
  readonly curve: LrPoint[] = [];
  private average = 0;
  private best = Infinity;
  /** Set once the loss diverged (the point that showed it is not in the curve). */
  diverged = false;

  constructor(private readonly beta = SMOOTHING_BETA) {}

  /** Records step i's raw loss at `lr`; returns false when the sweep should stop. */
  add(lr: number, loss: number): boolean {
    if (!Number.isFinite(loss)) {
      this.diverged = true;
      return false;
    }
    const i = this.curve.length;
    this.average = this.beta * this.average + (1 - this.beta) * loss;
    const smooth = this.average / (1 - Math.pow(this.beta, i + 1));
    if (smooth > DIVERGENCE_FACTOR * this.best) {
      this.diverged = true;
      return false;
    }
    this.best = Math.min(this.best, smooth);
    this.curve.push({ lr, loss: smooth });
    return true;
  }
}

/**
 * The steepest-descent suggestion of a smoothed curve, or null when the loss never falls
 * (too short a curve, or a sweep that starts too high).
 */
export function suggestLr(curve: readonly LrPoint[]): number | null {
  const n = curve.length;
  // Left out: the first 10% (average settling) and the last 5% (leading into divergence).
  const first = Math.max(1, Math.floor(n * 0.1));
  const last = Math.min(n - 2, n - 1 - Math.floor(n * 0.05));
  let best: number | null = null;
  let steepest = 0;
  for (let i = first; i <= last; i++) {
    const a = curve[i - 1]!;
    const b = curve[i + 1]!;
    const slope = (b.loss - a.loss) / (Math.log10(b.lr) - Math.log10(a.lr));
    if (slope < steepest) {
      steepest = slope;
      best = curve[i]!.lr;
    }
  }
  return best;
}
