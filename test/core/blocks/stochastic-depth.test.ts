/**
 * Stochastic depth ('row' mode, torchvision.ops.StochasticDepth): identity at inference; while
 * training, each sample's whole input is kept and scaled by 1/(1-p) or zeroed, from a mask the
 * trainer feeds ('mask-input', one value per sample) or one the graph draws ('random').
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { DocBuilder } from '../../../core/graph/doc-builder';
import { expandGraph } from '../../../core/graph/expand';
import { seededRandom } from '../../../core/graph/init';
import { encodeModel } from '../../../core/onnx/proto';
import { buildStudioTrainStep, studioForward } from '../../../core/train/studio';
import { drawMasks, maskSpecs } from '../../../main/trainer/dropout-masks';
import { TrainStepRunner } from '../../../main/trainer/ort-session';
import { makeModel } from '../../../core/train/build-train-step';

const BATCH = 200;
const PER_SAMPLE = 2 * 3 * 3;

/** input 2×3×3 -> stochastic depth -> flatten -> identity head: the output is the masked input. */
function sdDoc(p: number) {
  const b = new DocBuilder();
  b.then('input', 'input', { channels: 2, height: 3, width: 3 });
  b.then('sd', 'stochasticdepth', { p });
  b.then('flat', 'flatten');
  b.then('out', 'output', { classes: PER_SAMPLE, head: 'identity' });
  return b.build();
}

async function runForward(training: boolean, mode: 'off' | 'random' | 'mask-input', feeds: Record<string, ort.Tensor>): Promise<Float32Array> {
  const f = studioForward(sdDoc(0.5), training, mode);
  const s = await ort.InferenceSession.create(encodeModel(makeModel(f.source.graph, 'sd')));
  try {
    const out = await s.run(feeds);
    return out[f.source.logits]!.data as Float32Array;
  } finally {
    await s.release();
  }
}

const ones = () => new ort.Tensor('float32', new Float32Array(BATCH * PER_SAMPLE).fill(1), [BATCH, 2, 3, 3]);

/** Per sample: its single value when all its elements are equal (row mode), else NaN. */
function rowValues(y: Float32Array): number[] {
  return Array.from({ length: BATCH }, (_, i) => {
    const row = y.subarray(i * PER_SAMPLE, (i + 1) * PER_SAMPLE);
    return row.every((v) => v === row[0]) ? row[0]! : NaN;
  });
}

describe('stochastic depth', () => {
  it('is the identity at inference', async () => {
    expect(Array.from(await runForward(false, 'off', { input: ones() })).every((v) => v === 1)).toBe(true);
  });

  it('random mode: whole samples are zeroed with probability p, survivors scaled by 1/(1-p)', async () => {
    const rows = rowValues(await runForward(true, 'random', { input: ones() }));
    expect(rows.every((v) => v === 0 || v === 2)).toBe(true);
    const dropped = rows.filter((v) => v === 0).length;
    expect(dropped).toBeGreaterThan(0.35 * BATCH);
    expect(dropped).toBeLessThan(0.65 * BATCH);
  });

  it('mask-input mode: the trainer feeds one mask value per sample, [N, 1, 1, 1]', async () => {
    const doc = sdDoc(0.5);
    const f = studioForward(doc, true, 'mask-input');
    const extra = f.source.graph.inputs.filter((v) => v.name === 'sd.mask');
    expect(extra.map((v) => v.shape.slice(1))).toEqual([[1, 1, 1]]);
    const [spec] = maskSpecs(extra, expandGraph(doc), BATCH);
    expect(spec).toMatchObject({ name: 'sd.mask', p: 0.5, shape: [BATCH, 1, 1, 1] });
    const masks = drawMasks([spec!], 7, 0, 1);
    const mask = masks['sd.mask']!.data as Float32Array;
    const rows = rowValues(await runForward(true, 'mask-input', { input: ones(), ...masks }));
    expect(rows).toEqual(Array.from(mask));
  });

  it('trains: gradients flow through the kept samples of an MBConv branch only', async () => {
    const b = new DocBuilder();
    b.then('input', 'input', { channels: 8, height: 4, width: 4 });
    b.then('blk', 'mbconv', { filters: 8, expansion: 2, stochasticDepth: 0.5, layout: 'efficientnet', activation: 'silu' });
    b.then('pool', 'globalavgpool');
    b.then('fc', 'output', { classes: 3 });
    const doc = b.build();
    const batch = 4;
    const { step, weights } = buildStudioTrainStep(doc, {
      batchSize: batch,
      optimizer: { kind: 'sgd', momentum: 0, weightDecay: 0 },
      dropout: 'mask-input',
      outputGradients: true,
    });
    const [spec] = maskSpecs(step.extraInputs, expandGraph(doc), batch);
    const random = seededRandom(3);
    const initial = new Map(
      weights.map((w) => [
        w.name,
        Float32Array.from({ length: w.shape.reduce((a, c) => a * c, 1) }, () => (w.name.endsWith('running_var') ? 1 : random() - 0.5)),
      ]),
    );
    const images = Float32Array.from({ length: batch * 128 }, () => random() * 2 - 1);
    const labels = BigInt64Array.from([0n, 1n, 2n, 0n]);
    const run = async (mask: number[]) => {
      const runner = await TrainStepRunner.create(step, { kind: 'sgd', momentum: 0, weightDecay: 0 }, initial);
      const r = await runner.run(images, [batch, 8, 4, 4], labels, 0.1, { [spec!.name]: new ort.Tensor('float32', Float32Array.from(mask), [batch, 1, 1, 1]) });
      await runner.session.release();
      return r.gradients.get('blk.block.0.0.weight')!;
    };
    const none = await run([0, 0, 0, 0]);
    expect(none.every((v) => v === 0)).toBe(true);
    const some = await run([2, 0, 0, 0]);
    expect(some.some((v) => v !== 0)).toBe(true);
  });
});
