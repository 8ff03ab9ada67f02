/**
 * Activation ranges from calibration data. Three methods, as onnxruntime's quantizer names them:
 * - minmax: the smallest and largest value seen;
 * - percentile: the 0.001% and 99.999% quantiles (ignores rare outliers);
 * - entropy: the clipping threshold whose 8-bit quantized histogram is closest to the full one in
 *   KL divergence (TensorRT's calibration), found on a histogram of |x|.
 * percentile and entropy need two passes: minmax first (the histogram's span), then histograms.
 */

export type CalibrationMethod = 'minmax' | 'percentile' | 'entropy';
export const CALIBRATION_METHODS: readonly CalibrationMethod[] = ['minmax', 'percentile', 'entropy'];

export interface Range {
  min: number;
  max: number;
}

/** Histogram resolution: fine enough that one bin is well under one uint8 step of the range. */
export const HISTOGRAM_BINS = 2048;
const PERCENTILE = 99.999;

export class RangeObserver {
  min = Infinity;
  max = -Infinity;
  /** Histogram over [lo, hi] (of x for percentile, of |x| for entropy), set by beginHistogram. */
  private hist: Float64Array | null = null;
  private lo = 0;
  private hi = 0;
  private absolute = false;

  observeMinMax(data: ArrayLike<number>): void {
    let { min, max } = this;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    this.min = min;
    this.max = max;
  }

  /** Starts the second pass: a histogram spanning the range the first pass found. */
  beginHistogram(method: 'percentile' | 'entropy'): void {
    if (!(this.min <= this.max)) throw new RangeError('no values were observed');
    this.absolute = method === 'entropy';
    this.lo = this.absolute ? 0 : this.min;
    this.hi = this.absolute ? Math.max(Math.abs(this.min), Math.abs(this.max)) : this.max;
    this.hist = new Float64Array(HISTOGRAM_BINS);
  }

  observeHistogram(data: ArrayLike<number>): void {
    const hist = this.hist;
    if (!hist) throw new Error('beginHistogram first');
    const width = this.hi - this.lo;
    if (width <= 0) {
      hist[0]! += data.length;
      return;
    }
    const k = HISTOGRAM_BINS / width;
    for (let i = 0; i < data.length; i++) {
      const v = this.absolute ? Math.abs(data[i]!) : data[i]!;
      const b = Math.min(HISTOGRAM_BINS - 1, Math.max(0, Math.floor((v - this.lo) * k)));
      hist[b]! += 1;
    }
  }

  range(method: CalibrationMethod): Range {
    if (!(this.min <= this.max)) throw new RangeError('no values were observed');
    if (method === 'minmax' || this.max === this.min) return { min: this.min, max: this.max };
    const hist = this.hist;
    if (!hist) throw new Error(`${method} calibration needs the histogram pass`);
    const width = (this.hi - this.lo) / HISTOGRAM_BINS;
    if (method === 'percentile') {
      const [a, b] = quantileBins(hist, (100 - PERCENTILE) / 100, PERCENTILE / 100);
      return { min: Math.max(this.min, this.lo + a * width), max: Math.min(this.max, this.lo + (b + 1) * width) };
    }
    const levels = this.min >= 0 ? 255 : 128;
    const t = entropyThresholdBins(hist, levels) * width;
    return { min: this.min >= 0 ? this.min : Math.max(this.min, -t), max: Math.min(this.max, t) };
  }
}

/** The bins holding the lower and upper quantiles (fractions in [0, 1]) of a histogram. */
export function quantileBins(hist: ArrayLike<number>, lower: number, upper: number): [number, number] {
  let total = 0;
  for (let i = 0; i < hist.length; i++) total += hist[i]!;
  let acc = 0;
  let a = 0;
  let b = hist.length - 1;
  let foundA = false;
  for (let i = 0; i < hist.length; i++) {
    acc += hist[i]!;
    if (!foundA && acc > lower * total) {
      a = i;
      foundA = true;
    }
    if (acc >= upper * total) {
      b = i;
      break;
    }
  }
  return [a, b];
}

/**
 * KL-divergence threshold (TensorRT): for each candidate cut i >= levels, P = hist[0..i) with the
 * clipped tail added to its last bin; Q = hist[0..i) merged into `levels` equal chunks, each
 * chunk's count spread evenly over its non-empty bins. The cut with the smallest KL(P || Q) wins.
 * Returns the cut in bins (the threshold is cut x bin width).
 */
export function entropyThresholdBins(hist: ArrayLike<number>, levels: number): number {
  const n = hist.length;
  if (n <= levels) return n;
  let bestCut = n;
  let bestKl = Infinity;
  let tail = 0;
  for (let i = 0; i < n; i++) tail += hist[i]!;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i]! + hist[i]!;
  for (let cut = levels; cut <= n; cut++) {
    const outliers = prefix[n]! - prefix[cut]!;
    const kl = klAtCut(hist, cut, levels, outliers);
    if (kl < bestKl) {
      bestKl = kl;
      bestCut = cut;
    }
  }
  return tail > 0 ? bestCut : n;
}

function klAtCut(hist: ArrayLike<number>, cut: number, levels: number, outliers: number): number {
  const p = new Float64Array(cut);
  for (let j = 0; j < cut; j++) p[j] = hist[j]!;
  p[cut - 1]! += outliers;
  const q = new Float64Array(cut);
  const chunk = cut / levels;
  for (let l = 0; l < levels; l++) {
    const start = Math.floor(l * chunk);
    const end = l === levels - 1 ? cut : Math.floor((l + 1) * chunk);
    let sum = 0;
    let nonEmpty = 0;
    for (let j = start; j < end; j++) {
      sum += hist[j]!;
      if (hist[j]! > 0) nonEmpty++;
    }
    for (let j = start; j < end; j++) q[j] = hist[j]! > 0 ? sum / nonEmpty : 0;
  }
  let pSum = 0;
  let qSum = 0;
  for (let j = 0; j < cut; j++) {
    pSum += p[j]!;
    qSum += q[j]!;
  }
  if (pSum === 0 || qSum === 0) return Infinity;
  let kl = 0;
  for (let j = 0; j < cut; j++) {
    if (p[j]! === 0) continue;
    const pj = p[j]! / pSum;
    // A bin P has and Q lacks (only the tail-laden last bin can be): a small floor keeps KL finite.
    const qj = Math.max(q[j]! / qSum, 1e-12);
    kl += pj * Math.log(pj / qj);
  }
  return kl;
}
