/**
 * Classification metrics from logits, accumulated batch by batch so an evaluation never holds all
 * logits at once. Definitions (scikit-learn's, with 0 where a denominator is 0):
 *   accuracy      = sum_c confusion[c][c] / N
 *   top-5         = share of samples whose true class is among the 5 largest logits (C > 5 only)
 *   precision_c   = confusion[c][c] / sum_t confusion[t][c]      (column: predicted c)
 *   recall_c      = confusion[c][c] / sum_p confusion[c][p]      (row: truly c)
 *   f1_c          = 2 * precision * recall / (precision + recall)
 *   support_c     = sum_p confusion[c][p]
 * confusion[t][p] counts samples of true class t predicted as p. Ties in the arg-max go to the
 * lowest class index (as torch.argmax and numpy.argmax do).
 * Confidence of a prediction = softmax probability of the predicted class.
 */

export interface PerClassMetrics {
  class: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Misclassified {
  path: string;
  /** true class name */
  true: string;
  predicted: string;
  /** softmax probability of the predicted class */
  confidence: number;
}

export interface EvalMetrics {
  samples: number;
  accuracy: number;
  /** null when there are 5 classes or fewer */
  top5: number | null;
  perClass: PerClassMetrics[];
  /** confusion[true][predicted] */
  confusion: number[][];
  /** most confident mistakes first */
  misclassified: Misclassified[];
  /**
   * Per class, the correct predictions the model was least sure of (least confident first, at most
   * CORRECT_PER_CLASS each): what a diagonal cell of the confusion matrix shows.
   */
  leastConfidentCorrect: Misclassified[];
  /** mean loss over samples, when the caller supplied batch losses */
  loss: number | null;
}

/** Index of the largest value in row `r` of a [rows, cols] array; the first wins ties. */
export function argmaxRow(logits: ArrayLike<number>, r: number, cols: number): number {
  let best = 0;
  let bestV = logits[r * cols]!;
  for (let j = 1; j < cols; j++) {
    const v = logits[r * cols + j]!;
    if (v > bestV) {
      bestV = v;
      best = j;
    }
  }
  return best;
}

/** Softmax probability of class `k` in row `r`, computed stably (max subtracted). */
export function softmaxAt(logits: ArrayLike<number>, r: number, cols: number, k: number): number {
  let max = -Infinity;
  for (let j = 0; j < cols; j++) max = Math.max(max, logits[r * cols + j]!);
  let sum = 0;
  for (let j = 0; j < cols; j++) sum += Math.exp(logits[r * cols + j]! - max);
  return Math.exp(logits[r * cols + k]! - max) / sum;
}

/** Whether `label` is among the k largest values of row r (strictly larger ones counted). */
export function inTopK(logits: ArrayLike<number>, r: number, cols: number, label: number, k: number): boolean {
  const v = logits[r * cols + label]!;
  let larger = 0;
  for (let j = 0; j < cols; j++) {
    const x = logits[r * cols + j]!;
    // Ties before `label` in index order rank ahead of it, as a stable sort would put them.
    if (x > v || (x === v && j < label)) larger++;
  }
  return larger < k;
}

/** Correct predictions kept per class for the diagonal cells. */
export const CORRECT_PER_CLASS = 24;

export class MetricsAccumulator {
  readonly confusion: number[][];
  private top5Hits = 0;
  private n = 0;
  private lossSum = 0;
  private lossCount = 0;
  private readonly wrong: Misclassified[] = [];
  /** per class, the CORRECT_PER_CLASS least confident correct predictions seen so far */
  private readonly unsure: Misclassified[][];

  constructor(
    readonly classes: readonly string[],
    readonly maxMisclassified = Infinity,
  ) {
    if (classes.length < 1) throw new Error('metrics need at least one class');
    this.confusion = classes.map(() => new Array<number>(classes.length).fill(0));
    this.unsure = classes.map(() => []);
  }

  /**
   * One batch: logits [n, C] row-major, true labels, and each sample's file path (for the list of
   * mistakes). `meanLoss` is the batch's mean loss, weighted by n in the total.
   */
  add(logits: ArrayLike<number>, labels: ArrayLike<number | bigint>, paths: readonly string[], meanLoss?: number): void {
    const C = this.classes.length;
    const n = labels.length;
    if (logits.length !== n * C) throw new Error(`logits hold ${logits.length} values, expected ${n} x ${C}`);
    for (let i = 0; i < n; i++) {
      const t = Number(labels[i]!);
      if (!(t >= 0 && t < C)) throw new Error(`label ${t} is outside 0..${C - 1}`);
      const p = argmaxRow(logits, i, C);
      this.confusion[t]![p]!++;
      if (C > 5 && inTopK(logits, i, C, t, 5)) this.top5Hits++;
      const sample = (): Misclassified => ({
        path: paths[i] ?? `#${this.n + i}`,
        true: this.classes[t]!,
        predicted: this.classes[p]!,
        confidence: softmaxAt(logits, i, C, p),
      });
      if (p !== t) this.wrong.push(sample());
      else keepLeastConfident(this.unsure[t]!, sample());
    }
    this.n += n;
    if (meanLoss !== undefined) {
      this.lossSum += meanLoss * n;
      this.lossCount += n;
    }
  }

  result(): EvalMetrics {
    return computeMetrics(this.classes, this.confusion, {
      top5Hits: this.classes.length > 5 ? this.top5Hits : null,
      misclassified: this.wrong,
      leastConfidentCorrect: this.unsure.flat(),
      maxMisclassified: this.maxMisclassified,
      loss: this.lossCount > 0 ? this.lossSum / this.lossCount : null,
    });
  }
}

/** Metrics from a finished confusion matrix (plus what a confusion matrix cannot tell). */
export function computeMetrics(
  classes: readonly string[],
  confusion: number[][],
  extra: {
    top5Hits?: number | null;
    misclassified?: Misclassified[];
    leastConfidentCorrect?: Misclassified[];
    maxMisclassified?: number;
    loss?: number | null;
  } = {},
): EvalMetrics {
  const C = classes.length;
  let n = 0;
  let correct = 0;
  const colSum = new Array<number>(C).fill(0);
  for (let t = 0; t < C; t++) {
    for (let p = 0; p < C; p++) {
      n += confusion[t]![p]!;
      colSum[p] = colSum[p]! + confusion[t]![p]!;
    }
    correct += confusion[t]![t]!;
  }
  const perClass = classes.map((name, c) => {
    const tp = confusion[c]![c]!;
    const support = confusion[c]!.reduce((a, b) => a + b, 0);
    const precision = colSum[c]! > 0 ? tp / colSum[c]! : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { class: name, precision, recall, f1, support };
  });
  const wrong = [...(extra.misclassified ?? [])].sort((a, b) => b.confidence - a.confidence || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const max = extra.maxMisclassified ?? Infinity;
  return {
    samples: n,
    accuracy: n > 0 ? correct / n : 0,
    top5: C > 5 && extra.top5Hits !== undefined && extra.top5Hits !== null ? (n > 0 ? extra.top5Hits / n : 0) : null,
    perClass,
    confusion: confusion.map((r) => [...r]),
    misclassified: Number.isFinite(max) ? wrong.slice(0, max) : wrong,
    leastConfidentCorrect: [...(extra.leastConfidentCorrect ?? [])].sort((a, b) => (a.true < b.true ? -1 : a.true > b.true ? 1 : a.confidence - b.confidence)),
    loss: extra.loss ?? null,
  };
}

/** Share of rows whose arg-max equals the label (training accuracy from a step's logits). */
export function countCorrect(logits: ArrayLike<number>, labels: ArrayLike<number | bigint>, classes: number): number {
  let ok = 0;
  for (let i = 0; i < labels.length; i++) if (argmaxRow(logits, i, classes) === Number(labels[i]!)) ok++;
  return ok;
}

/**
 * Keeps `kept` as the CORRECT_PER_CLASS samples of lowest confidence, sorted ascending: an insertion
 * into a short sorted list, so the cost per sample stays constant however large the dataset.
 */
function keepLeastConfident(kept: Misclassified[], s: Misclassified): void {
  if (kept.length === CORRECT_PER_CLASS && s.confidence >= kept[kept.length - 1]!.confidence) return;
  let i = kept.length;
  while (i > 0 && kept[i - 1]!.confidence > s.confidence) i--;
  kept.splice(i, 0, s);
  if (kept.length > CORRECT_PER_CLASS) kept.pop();
}
