/**
 * Mean softmax cross-entropy from logits [N, C] and int64 labels [N], with PyTorch's semantics for
 * label smoothing and class weights, emitted together with its closed-form gradient.
 *
 * With p = softmax(z), logp = log_softmax(z), one-hot Y, smoothing e, class weights w (1 if absent):
 *   T[i,c]  = (1 - e) * w[y_i] * Y[i,c] + (e / C) * w[c]          (target weights)
 *   W       = sum_i w[y_i]                                        (N without class weights)
 *   loss    = -sum_{i,c} T[i,c] * logp[i,c] / W
 *   dz[i,c] = (p[i,c] * sum_c' T[i,c'] - T[i,c]) / W                (= (p - T) / N in the plain case)
 * This is torch.nn.functional.cross_entropy(z, y, weight=w, label_smoothing=e) with reduction 'mean'
 * (the smoothing term is also divided by sum_i w[y_i], as PyTorch does).
 *
 * Formulations (LossFormulation), for providers that lack some ops (core/train/target.ts):
 * - labels 'int64' [N] (one-hot built in the graph: Unsqueeze + Equal on int64) or 'onehot' float32
 *   [N, C] fed by the host: Y itself, and w[y_i] = (Y w)_i, so the graph holds no int64 tensor.
 * - log-softmax as the LogSoftmax op, or 'explicit': s = z - max_c z, logp = s - log(sum_c exp(s)),
 *   the same max-shifted form the op computes.
 */
import type { GraphBuilder } from '../onnx/builder';

export interface CrossEntropyOptions {
  /** PyTorch's label_smoothing in [0, 1). */
  labelSmoothing?: number;
  /** Per-class weights (length C), PyTorch's `weight`. */
  classWeights?: number[];
}

/** How labels reach the graph: int64 class ids [N], or float32 one-hot rows [N, C]. */
export type LabelFormat = 'int64' | 'onehot';

export interface LossFormulation {
  /** Default 'int64'. */
  labels?: LabelFormat;
  /** Default 'op' (LogSoftmax); 'explicit' uses ReduceMax, Sub, Exp, ReduceSum, Log. */
  logSoftmax?: 'op' | 'explicit';
}

export interface LossEmission {
  /** Scalar float loss. */
  loss: string;
  /** d loss / d logits, [N, C]. */
  dLogits: string;
}

export function emitCrossEntropy(
  g: GraphBuilder,
  logits: string,
  labels: string,
  n: number,
  c: number,
  opts: CrossEntropyOptions = {},
  form: LossFormulation = {},
): LossEmission {
  const eps = opts.labelSmoothing ?? 0;
  if (eps < 0 || eps >= 1) throw new Error(`label smoothing must be in [0, 1), got ${eps}`);
  const w = opts.classWeights;
  if (w && w.length !== c) throw new Error(`class weights have ${w.length} entries for ${c} classes`);
  return g.withScope('loss', () => {
    const logp = form.logSoftmax === 'explicit' ? explicitLogSoftmax(g, logits) : g.op1('LogSoftmax', [logits], { axis: 1 });
    const onehot = form.labels === 'onehot' ? labels : int64OneHot(g, labels, c);
    let target = onehot;
    let denom: string | undefined;
    let rowSum: string | undefined;
    if (w) {
      const wy =
        form.labels === 'onehot'
          ? g.op1('MatMul', [onehot, g.constFloat('class_weights_col', w, [c, 1])])
          : g.op1('Unsqueeze', [g.op1('Gather', [g.constFloat('class_weights', w, [c]), labels], { axis: 0 }), g.constInt64('axes1', [1])]);
      target = g.op1('Mul', [target, wy]);
      if (eps > 0)
        target = g.op1('Add', [
          g.op1('Mul', [target, g.constFloat('one_minus_eps', [1 - eps], [])]),
          g.constFloat(
            'smooth_w',
            w.map((v) => (v * eps) / c),
            [1, c],
          ),
        ]);
      denom = g.op1('ReduceSum', [wy], { keepdims: 0 });
      rowSum = g.op1('ReduceSum', [target, g.constInt64('axes1', [1])], { keepdims: 1 });
    } else if (eps > 0) {
      target = g.op1('Add', [g.op1('Mul', [onehot, g.constFloat('one_minus_eps', [1 - eps], [])]), g.constFloat('smooth', [eps / c], [])]);
    }
    const total = g.op1('ReduceSum', [g.op1('Mul', [target, logp])], { keepdims: 0 });
    const p = g.op1('Exp', [logp]);
    let loss: string;
    let dLogits: string;
    if (denom) {
      loss = g.op1('Neg', [g.op1('Div', [total, denom])]);
      dLogits = g.op1('Div', [g.op1('Sub', [g.op1('Mul', [p, rowSum!]), target]), denom]);
    } else {
      loss = g.op1('Mul', [total, g.constFloat('neg_inv_n', [-1 / n], [])]);
      dLogits = g.op1('Mul', [g.op1('Sub', [p, target]), g.constFloat('inv_n', [1 / n], [])]);
    }
    return { loss, dLogits };
  });
}

/** One-hot [N, C] float32 rows from int64 class ids [N]. */
function int64OneHot(g: GraphBuilder, labels: string, c: number): string {
  const classes = g.constInt64(
    'class_ids',
    Array.from({ length: c }, (_, i) => i),
    [1, c],
  );
  const lab2 = g.op1('Unsqueeze', [labels, g.constInt64('axes1', [1])]);
  return g.op1('Cast', [g.op1('Equal', [lab2, classes])], { to: 1 });
}

/** log_softmax over axis 1 of [N, C] without the LogSoftmax op: s - log(sum exp(s)), s = z - max z. */
function explicitLogSoftmax(g: GraphBuilder, z: string): string {
  const shifted = g.op1('Sub', [z, g.op1('ReduceMax', [z], { axes: [1], keepdims: 1 })]);
  const sum = g.op1('ReduceSum', [g.op1('Exp', [shifted]), g.constInt64('axes1', [1])], { keepdims: 1 });
  return g.op1('Sub', [shifted, g.op1('Log', [sum])]);
}
