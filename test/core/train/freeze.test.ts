/**
 * Freezing (core/train/freeze.ts): what --freeze selects, that the train step builds no gradient
 * for the frozen part and runs it in inference mode, and that fine-tuning matches PyTorch's frozen
 * loop (eval mode + requires_grad=False) step for step.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DocBuilder, initWeight, seededRandom, type ModelDocument } from '../../../core/graph/index';
import { applyFreeze, freezableBlocks, FreezeError, frozenIds } from '../../../core/train/freeze';
import { buildStudioTrainStep } from '../../../core/train/studio';
import { pruneToOutputs } from '../../../core/train/features';
import { TrainStepRunner } from '../../../main/trainer/ort-session';
import { PY_ENV, PYTHON, torchMissing } from '../../helpers/python-torch';
import { compare } from '../../helpers/fixture-tensors';

/** conv1 bn1 relu1 drop | conv2 bn2 relu2 pool | fc: the network freeze-reference.py builds. */
function smallNet(): ModelDocument {
  const b = new DocBuilder();
  b.then('input', 'input', { channels: 3, height: 8, width: 8 });
  b.then('conv1', 'conv2d', { filters: 4, kernel: 3, padding: 1, bias: false });
  b.then('bn1', 'batchnorm2d');
  b.then('relu1', 'relu');
  b.then('drop', 'dropout', { p: 0.5 });
  b.then('conv2', 'conv2d', { filters: 6, kernel: 3, padding: 1, stride: 2 });
  b.then('bn2', 'batchnorm2d');
  b.then('relu2', 'relu');
  b.then('pool', 'globalavgpool');
  b.then('fc', 'output', { classes: 3 });
  return b.build();
}

const names = (doc: ModelDocument, ids: Set<string>): string[] => doc.nodes.filter((n) => ids.has(n.id)).map((n) => n.name);

describe('--freeze selection', () => {
  const doc = smallNet();
  it('backbone is everything before the classifier head; a name freezes up to and including it', () => {
    expect(names(doc, frozenIds(doc, 'backbone'))).toEqual(['input', 'conv1', 'bn1', 'relu1', 'drop', 'conv2', 'bn2', 'relu2', 'pool']);
    expect(names(doc, frozenIds(doc, 'drop'))).toEqual(['input', 'conv1', 'bn1', 'relu1', 'drop']);
    expect(frozenIds(doc, 'none').size).toBe(0);
    expect(freezableBlocks(doc)).toEqual(['conv1', 'bn1', 'relu1', 'drop', 'conv2', 'bn2', 'relu2', 'pool']);
    // The input (and anything else before the first block with weights) would freeze nothing: not offered.
    expect(freezableBlocks(doc)).not.toContain('input');
  });
  it('refuses an unknown block and the head itself, naming the choices', () => {
    expect(() => frozenIds(doc, 'layer9')).toThrow(FreezeError);
    expect(() => frozenIds(doc, 'layer9')).toThrow(/no block named "layer9".*conv1, bn1/);
    expect(() => frozenIds(doc, 'fc')).toThrow(/part of the classifier head/);
  });
  it('an identity Output: the head starts at the last block with parameters', () => {
    const b = new DocBuilder();
    b.then('input', 'input', { channels: 3, height: 8, width: 8 });
    b.then('conv1', 'conv2d', { filters: 4, kernel: 3, padding: 1 });
    b.then('classifier', 'conv2d', { filters: 5, kernel: 1 });
    b.then('pool', 'globalavgpool');
    b.then('out', 'output', { classes: 5, head: 'identity' });
    const d = b.build();
    expect(names(d, frozenIds(d, 'backbone'))).toEqual(['input', 'conv1']);
  });
});

describe('the train step of a frozen model', () => {
  it('has no gradient or update for frozen weights, and runs frozen batch norm on running statistics', () => {
    const doc = applyFreeze(smallNet(), 'drop');
    const { step } = buildStudioTrainStep(doc, { batchSize: 4, optimizer: { kind: 'sgd', momentum: 0.9 }, outputGradients: true, dropout: 'mask-input' });
    expect(step.weights.map((w) => w.name).sort()).toEqual(['bn2.bias', 'bn2.weight', 'conv2.bias', 'conv2.weight', 'fc.bias', 'fc.weight']);
    expect(step.runningState.map((s) => s.name).sort()).toEqual(['bn2.running_mean', 'bn2.running_var']);
    // No dropout mask is fed: the frozen dropout is the identity.
    expect(step.extraInputs.map((v) => v.name).sort()).toEqual(['bn1.bias', 'bn1.running_mean', 'bn1.running_var', 'bn1.weight', 'conv1.weight']);
    // The frozen part: the nodes the first trained block's input needs.
    const graph = step.model.graph;
    const conv2 = graph.nodes.find((n) => n.inputs.includes('conv2.weight') && n.opType === 'Conv')!;
    const frozenPart = pruneToOutputs({ ...graph, outputs: [{ name: conv2.inputs[0]!, dtype: 'float32', shape: [] }] });
    const frozenValues = new Set([...frozenPart.nodes.flatMap((n) => n.outputs), ...step.extraInputs.map((v) => v.name)]);
    frozenValues.delete(conv2.inputs[0]!);
    const forward = new Set(pruneToOutputs({ ...graph, outputs: [{ name: step.logits, dtype: 'float32', shape: [] }] }).nodes.map((n) => n.name));
    const backward = graph.nodes.filter((n) => !forward.has(n.name));
    expect(backward.length).toBeGreaterThan(10);
    // Autodiff stops at the boundary: no backward or optimizer node reads anything inside the frozen part.
    expect(backward.filter((n) => n.inputs.some((i) => frozenValues.has(i))).map((n) => n.name)).toEqual([]);
    // Frozen batch norm is the inference op on the running statistics.
    const bn1 = frozenPart.nodes.filter((n) => n.opType === 'BatchNormalization');
    expect(bn1.map((n) => n.inputs.slice(3))).toEqual([['bn1.running_mean', 'bn1.running_var']]);
  });
});

/** freeze-reference.py on `input` (JSON on stdin): its stdout. */
function runPythonWithInput(input: string): string {
  const r = spawnSync(PYTHON, [path.join(__dirname, 'freeze-reference.py')], { input, encoding: 'utf8', env: PY_ENV, timeout: 120_000, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`freeze-reference.py failed (${r.status ?? r.signal}): ${r.stderr}`);
  return r.stdout;
}

const skip = torchMissing();
describe.skipIf(skip !== null)('fine-tuning with a frozen prefix matches PyTorch', () => {
  it.each([1, 3])(
    '%i SGD step(s): head parameters, trained BN statistics; frozen tensors bit-identical',
    async (steps) => {
      const doc = applyFreeze(smallNet(), 'drop');
      const { step, weights } = buildStudioTrainStep(doc, { batchSize: 4, optimizer: { kind: 'sgd', momentum: 0.9 }, dropout: 'mask-input' });
      const rnd = seededRandom(11);
      const init = new Map(weights.map((w) => [w.name, initWeight(w, rnd)] as const));
      // Non-trivial running statistics, so using them (not batch statistics) shows.
      init.set('bn1.running_mean', Float32Array.from([0.3, -0.2, 0.1, 0.5]));
      init.set('bn1.running_var', Float32Array.from([1.5, 0.7, 2.0, 0.9]));
      const images = Float32Array.from({ length: 4 * 3 * 8 * 8 }, () => rnd() * 2 - 1);
      const labels = [0, 2, 1, 2];
      const before = new Map([...init].map(([k, v]) => [k, Float32Array.from(v)]));
      const runner = await TrainStepRunner.create(step, { kind: 'sgd', momentum: 0.9 }, init);
      for (let i = 0; i < steps; i++) await runner.run(images, [4, 3, 8, 8], BigInt64Array.from(labels.map(BigInt)), 0.1);
      await runner.session.release();

      const spec = {
        weights: Object.fromEntries([...before].map(([k, v]) => [k, Array.from(v)])),
        images: Array.from(images),
        labels,
        lr: 0.1,
        momentum: 0.9,
        steps,
        frozen: ['conv1', 'bn1', 'relu1', 'drop'],
      };
      const ref = JSON.parse(runPythonWithInput(JSON.stringify(spec))) as Record<string, number[]>;
      for (const w of ['conv2.weight', 'conv2.bias', 'bn2.weight', 'bn2.bias', 'fc.weight', 'fc.bias']) {
        expect(compare(runner.weights.get(w)!, Float32Array.from(ref[w]!), 1e-4, 1e-6).bad, w).toBe(0);
      }
      for (const s of ['bn2.running_mean', 'bn2.running_var']) expect(compare(runner.state.get(s)!, Float32Array.from(ref[s]!), 1e-4, 1e-6).bad, s).toBe(0);
      for (const f of ['conv1.weight', 'bn1.weight', 'bn1.bias', 'bn1.running_mean', 'bn1.running_var']) {
        expect(Buffer.from(runner.constants.get(f)!.buffer).equals(Buffer.from(before.get(f)!.buffer)), f).toBe(true);
        expect(compare(before.get(f)!, Float32Array.from(ref[f]!), 0, 0).bad, `${f} unchanged in PyTorch too`).toBe(0);
      }
    },
    120_000,
  );
});

describe('discriminative learning rates (lrScale)', () => {
  it.each(['sgd', 'adam', 'adamw'] as const)(
    '%s: a group at scale s trains as the whole model at s x lr (PyTorch param_groups)',
    async (kind) => {
      const doc = smallNet();
      const optimizer = kind === 'sgd' ? { kind, momentum: 0.9, weightDecay: 1e-3 } : { kind, weightDecay: 1e-2 };
      const base = buildStudioTrainStep(doc, { batchSize: 4, optimizer });
      const all = Object.fromEntries(base.step.weights.map((w) => [w.name, 0.3]));
      const scaled = buildStudioTrainStep(doc, { batchSize: 4, optimizer, lrScale: { ...all, 'fc.weight': 1 } });
      const rnd = seededRandom(5);
      const init = new Map(base.weights.map((w) => [w.name, initWeight(w, rnd)] as const));
      const images = Float32Array.from({ length: 4 * 3 * 8 * 8 }, () => rnd() * 2 - 1);
      const labels = BigInt64Array.from([0n, 1n, 2n, 1n]);
      const run = async (step: typeof base.step, lr: number): Promise<TrainStepRunner> => {
        const r = await TrainStepRunner.create(step, optimizer, new Map([...init].map(([k, v]) => [k, Float32Array.from(v)])));
        await r.run(images, [4, 3, 8, 8], labels, lr);
        await r.session.release();
        return r;
      };
      const [a, b, c] = [await run(scaled.step, 0.05), await run(base.step, 0.05 * 0.3), await run(base.step, 0.05)];
      // One step from the same weights: the same gradients, so every weight at scale 0.3 moves as at
      // 0.3 x lr, and fc.weight (scale 1) as at the full rate.
      for (const w of base.step.weights.filter((x) => x.name !== 'fc.weight')) {
        expect(compare(a.weights.get(w.name)!, b.weights.get(w.name)!, 1e-5, 1e-7).bad, w.name).toBe(0);
      }
      expect(compare(a.weights.get('fc.weight')!, c.weights.get('fc.weight')!, 1e-5, 1e-7).bad).toBe(0);
      expect(compare(a.weights.get('fc.weight')!, b.weights.get('fc.weight')!, 1e-5, 1e-7).bad).toBeGreaterThan(0);
    },
    60_000,
  );
});
