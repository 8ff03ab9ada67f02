/**
 * The mobile templates train: one SGD step at 3x32x32 (batch 2) runs in onnxruntime with a finite
 * loss and gradients on every weight, through the new ops (ReLU6, hard-swish, SiLU, squeeze-excite
 * gates, stochastic depth masks as the trainer feeds them).
 */
import * as ort from 'onnxruntime-node';
import { expect, it } from 'vitest';
import { expandGraph } from '../../../core/graph/expand';
import { initWeight, seededRandom } from '../../../core/graph/init';
import { buildTemplate } from '../../../core/templates/index';
import { buildStudioTrainStep } from '../../../core/train/studio';
import { drawMasks, maskSpecs } from '../../../main/trainer/dropout-masks';
import { TrainStepRunner } from '../../../main/trainer/ort-session';

const OPT = { kind: 'sgd' as const, momentum: 0.9 };
const BATCH = 2;

it.each(['mobilenet_v2', 'mobilenet_v3_small', 'mobilenet_v3_large', 'efficientnet_b0'])(
  '%s: one training step at 3x32x32',
  async (id) => {
    const doc = buildTemplate(id, { input: [3, 32, 32], classes: 4 });
    const { step, weights } = buildStudioTrainStep(doc, { batchSize: BATCH, optimizer: OPT, dropout: 'mask-input', outputGradients: true });
    const random = seededRandom(5);
    const initial = new Map(weights.map((w) => [w.name, initWeight(w, random)]));
    const masks: Record<string, ort.Tensor> = drawMasks(maskSpecs(step.extraInputs, expandGraph(doc), BATCH), 1, 0, 1);
    if (id === 'efficientnet_b0') expect(Object.keys(masks)).toContain('features.2.1.stochastic_depth.mask');
    const runner = await TrainStepRunner.create(step, OPT, initial);
    try {
      const images = Float32Array.from({ length: BATCH * 3 * 32 * 32 }, () => random() * 2 - 1);
      const r = await runner.run(images, [BATCH, 3, 32, 32], BigInt64Array.from([0n, 3n]), 0.01, masks);
      expect(Number.isFinite(r.loss)).toBe(true);
      const fc = [...r.gradients.entries()].filter(([name]) => /classifier\.\d\.weight$/.test(name));
      expect(fc.length).toBeGreaterThan(0);
      for (const [name, g] of r.gradients) expect(g.every(Number.isFinite), name).toBe(true);
      expect(fc.every(([, g]) => g.some((v) => v !== 0))).toBe(true);
    } finally {
      await runner.session.release();
    }
  },
  120_000,
);
