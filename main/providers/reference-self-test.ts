/**
 * The provider self-test: a fixed reference model runs inference and one training step on the
 * provider and on the CPU, and the provider is trusted only when they agree.
 *
 * Reference model: LeNet-5 "classic" at 1x32x32, 10 classes, batch 4 (conv 1->6 5x5, tanh,
 * avgpool, conv 6->16 5x5, tanh, avgpool, conv 16->120 5x5, dense 84, out). The 6->16 conv is the
 * shape WebGPU's default NHWC layout miscomputes (DESIGN.md). Average pooling rather than max
 * pooling: WebGPU (onnxruntime-node 1.30) claims MaxPool with the Indices output and then fails at
 * run time ("The Indices output is not supported yet"), which would make every WebGPU self-test fail
 * for a reason the model the user trains may not have (that is caught by the model's own check).
 *
 * Agreement, for each compared tensor t (eval logits, train-step loss, logits, and each weight's
 * update Δw = w' - w under SGD momentum 0.9, lr 0.1):
 *   max |t_device - t_cpu| <= 1e-3 * max(1, max |t_cpu|)        (logits, loss)
 *   max |Δw_device - Δw_cpu| <= 1e-3 * max |Δw_cpu| + 1e-6      (updates: relative to the step)
 * float32 reassociation on a GPU stays orders of magnitude below that; the NHWC fault is 4e-2 on
 * logits of size ~1.
 */
import type * as Ort from 'onnxruntime-node';
import { initWeight, seededRandom } from '../../core/graph/index';
import { buildTemplate } from '../../core/templates/index';
import { buildStudioEval, buildStudioTrainStep } from '../../core/train/studio';
import type { OptimizerConfig } from '../../core/train/optim/index';
import { encodeModel } from '../../core/onnx/proto';
import { TrainStepRunner } from '../trainer/ort-session';
import type { ExecutionProviderName } from '../../core/api';
import { providerConfig, providerSessionOptions, type ProviderLayout } from './layout';

const BATCH = 4;
const LR = 0.1;
const OPTIMIZER: OptimizerConfig = { kind: 'sgd', momentum: 0.9 };

export interface ReferenceOutputs {
  evalLogits: Float32Array;
  loss: number;
  stepLogits: Float32Array;
  /** weight name -> w' - w after one step */
  updates: Map<string, Float32Array>;
}

export interface Comparison {
  /** worst difference over all compared tensors, in units of its tolerance (<= 1 passes) */
  worstRatio: number;
  /** the worst absolute difference and where */
  maxDiff: number;
  where: string;
}

function referenceInputs(): { doc: ReturnType<typeof buildTemplate>; weights: Map<string, Float32Array>; images: Float32Array; labels: BigInt64Array } {
  const doc = buildTemplate('lenet5', { input: [1, 32, 32], classes: 10, variant: 'classic' });
  const rnd = seededRandom(20261128);
  const { weights: defs } = buildStudioEval(doc, { batchSize: BATCH });
  const weights = new Map(defs.map((w) => [w.name, initWeight(w, rnd)]));
  const images = Float32Array.from({ length: BATCH * 32 * 32 }, () => rnd() * 2 - 1);
  const labels = BigInt64Array.from({ length: BATCH }, (_, i) => BigInt((i * 3) % 10));
  return { doc, weights, images, labels };
}

async function session(ort: typeof Ort, bytes: Uint8Array, provider: ExecutionProviderName, layout: ProviderLayout): Promise<Ort.InferenceSession> {
  const providers = provider === 'cpu' ? ['cpu'] : [providerConfig(provider, layout), 'cpu'];
  return ort.InferenceSession.create(bytes, {
    executionProviders: providers as Ort.InferenceSession.ExecutionProviderConfig[],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    logSeverityLevel: 3,
    ...providerSessionOptions(provider),
  });
}

/** Runs the reference model's inference and one training step on `provider` with `layout`. */
export async function runReference(ort: typeof Ort, provider: ExecutionProviderName, layout: ProviderLayout): Promise<ReferenceOutputs> {
  const { doc, weights, images, labels } = referenceInputs();
  const dims = [BATCH, 1, 32, 32];
  const { evalGraph } = buildStudioEval(doc, { batchSize: BATCH });
  const evalSession = await session(ort, encodeModel(evalGraph.model), provider, layout);
  let evalLogits: Float32Array;
  try {
    const feeds: Record<string, Ort.Tensor> = {
      [evalGraph.images]: new ort.Tensor('float32', images, dims),
      [evalGraph.labels]: new ort.Tensor('int64', labels, [BATCH]),
    };
    for (const v of evalGraph.model.graph.inputs) {
      const w = weights.get(v.name);
      if (w) feeds[v.name] = new ort.Tensor('float32', w, v.shape.map(Number));
    }
    evalLogits = (await evalSession.run(feeds))[evalGraph.logits]!.data as Float32Array;
  } finally {
    await evalSession.release();
  }
  const { step } = buildStudioTrainStep(doc, { batchSize: BATCH, optimizer: OPTIMIZER });
  const runner = new TrainStepRunner(step, await session(ort, encodeModel(step.model), provider, layout), OPTIMIZER, weights);
  try {
    const r = await runner.run(images, dims, labels, LR);
    const updates = new Map<string, Float32Array>();
    for (const w of step.weights) {
      const before = weights.get(w.name)!;
      const after = runner.weights.get(w.name)!;
      updates.set(
        w.name,
        Float32Array.from(after, (v, i) => v - before[i]!),
      );
    }
    return { evalLogits, loss: r.loss, stepLogits: r.logits, updates };
  } finally {
    await runner.session.release();
  }
}

/** How far `got` is from `want`, against the tolerances above. */
export function compareReference(got: ReferenceOutputs, want: ReferenceOutputs): Comparison {
  let worst: Comparison = { worstRatio: 0, maxDiff: 0, where: '' };
  const check = (where: string, a: ArrayLike<number>, b: ArrayLike<number>, relativeToStep: boolean): void => {
    let diff = 0;
    let scale = 0;
    for (let i = 0; i < b.length; i++) {
      const d = Math.abs(a[i]! - b[i]!);
      diff = Number.isNaN(d) || a.length !== b.length ? Infinity : Math.max(diff, d);
      scale = Math.max(scale, Math.abs(b[i]!));
    }
    const tol = relativeToStep ? 1e-3 * scale + 1e-6 : 1e-3 * Math.max(1, scale);
    const ratio = diff / tol;
    if (ratio > worst.worstRatio || (worst.where === '' && ratio >= 0)) worst = { worstRatio: ratio, maxDiff: diff, where };
  };
  check('inference logits', got.evalLogits, want.evalLogits, false);
  check('training-step loss', [got.loss], [want.loss], false);
  check('training-step logits', got.stepLogits, want.stepLogits, false);
  for (const [name, w] of want.updates) check(`the update of ${name}`, got.updates.get(name) ?? [], w, true);
  return worst;
}
