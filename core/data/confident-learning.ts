/**
 * Label errors by confident learning (Northcutt, Jiang, Chuang 2021, "Confident Learning:
 * Estimating Uncertainty in Dataset Labels"; cleanlab's `find_label_issues` with
 * filter_by='confident_learning'), from out-of-sample predicted probabilities.
 *
 * With p(j|x) the probability a model that never trained on x gives class j, and y(x) its given label:
 *   t_j = mean of p(j|x) over the images labelled j          (per-class threshold: the self-confidence)
 *   x counts as confidently class j when p(j|x) >= t_j; with several such j, the one of largest p(j|x)
 *   C[i][j] = number of images labelled i that are confidently j   (the confident joint)
 * An image is a suspected label error when it lands off the diagonal (j != y(x)). Suspects are
 * ranked by the normalised margin p(j|x) - p(y(x)|x): how much more confidently another class is
 * predicted than the given one.
 */

export interface LabelIssue {
  /** index of the sample */
  index: number;
  label: number;
  /** the class the sample is confidently predicted as */
  suggested: number;
  /** p(suggested | x) */
  confidence: number;
  /** p(label | x) */
  selfConfidence: number;
  /** p(suggested | x) - p(label | x): the ranking key */
  margin: number;
}

export interface ConfidentLearningResult {
  /** t_j per class (NaN for a class with no samples) */
  thresholds: number[];
  /** C[given][confident] */
  confidentJoint: number[][];
  /** suspected label errors, largest margin first */
  issues: LabelIssue[];
}

/** t_j = mean p(j|x) over samples labelled j. `probs` is N x K, row-major. */
export function classThresholds(probs: ArrayLike<number>, labels: ArrayLike<number>, classes: number): number[] {
  const sum = new Array<number>(classes).fill(0);
  const count = new Array<number>(classes).fill(0);
  for (let n = 0; n < labels.length; n++) {
    const y = labels[n]!;
    sum[y]! += probs[n * classes + y]!;
    count[y]!++;
  }
  return sum.map((s, j) => (count[j]! > 0 ? s / count[j]! : Number.NaN));
}

/** The class sample n is confidently predicted as (largest p among those at or above their threshold), or -1. */
function confidentClass(probs: ArrayLike<number>, n: number, classes: number, t: readonly number[]): number {
  let best = -1;
  for (let j = 0; j < classes; j++) {
    const p = probs[n * classes + j]!;
    if (!(p >= t[j]!)) continue;
    if (best < 0 || p > probs[n * classes + best]!) best = j;
  }
  return best;
}

export function findLabelIssues(probs: ArrayLike<number>, labels: ArrayLike<number>, classes: number): ConfidentLearningResult {
  if (probs.length !== labels.length * classes) throw new RangeError(`probabilities hold ${probs.length} values, expected ${labels.length} x ${classes}`);
  const thresholds = classThresholds(probs, labels, classes);
  const joint = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  const issues: LabelIssue[] = [];
  for (let n = 0; n < labels.length; n++) {
    const y = labels[n]!;
    const j = confidentClass(probs, n, classes, thresholds);
    if (j < 0) continue;
    joint[y]![j]!++;
    if (j === y) continue;
    const confidence = probs[n * classes + j]!;
    const selfConfidence = probs[n * classes + y]!;
    issues.push({ index: n, label: y, suggested: j, confidence, selfConfidence, margin: confidence - selfConfidence });
  }
  issues.sort((a, b) => b.margin - a.margin || a.index - b.index);
  return { thresholds, confidentJoint: joint, issues };
}
