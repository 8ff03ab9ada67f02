/**
 * emitForward: the ONNX ops run in onnxruntime with exactly the shapes the analysis inferred
 * (padding 'same' on strided convs, PyTorch ceil mode), and training-mode dropout behaves.
 */
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { analyze } from '../../../core/graph/analyze';
import { DocBuilder } from '../../../core/graph/doc-builder';
import { emitForward, type ForwardContext } from '../../../core/graph/emit';
import { GraphError } from '../../../core/graph/errors';
import { initWeight, seededRandom } from '../../../core/graph/init';
import type { Params } from '../../../core/graph/types';
import { GraphBuilder } from '../../../core/onnx/builder';
import { encodeModel } from '../../../core/onnx/proto';
import { buildTemplate } from '../../../core/templates/index';

function session(doc: ReturnType<DocBuilder['build']>, ctx: ForwardContext, outputsOf: 'logits' | 'all' = 'logits') {
  const a = analyze(doc);
  const g = new GraphBuilder('t');
  const rnd = seededRandom(1);
  for (const w of a.graph.weights) g.initializer(w.name, 'float32', w.shape, initWeight(w, rnd), true);
  const fwd = emitForward(a.graph, g, null, ctx);
  if (outputsOf === 'all') {
    for (const p of a.graph.nodes) if (p.type !== 'input') g.output(fwd.values.get(p.id)![0]!, 'float32', ['N', ...p.outShapes[0]!]);
  } else g.output(fwd.outputs[0]!.value, 'float32', fwd.outputs[0]!.shape);
  const bytes = encodeModel({
    irVersion: 8,
    opsetImports: [{ domain: '', version: 17 }],
    producerName: 't',
    producerVersion: '0',
    graph: g.build(),
    metadata: {},
  });
  return { a, fwd, open: () => ort.InferenceSession.create(bytes) };
}

const WINDOWS: [string, string, Params, [number, number, number]][] = [
  ['conv same stride 2 even', 'conv2d', { filters: 4, kernel: 3, stride: 2, padding: 'same' }, [3, 32, 32]],
  ['conv same stride 2 odd', 'conv2d', { filters: 4, kernel: 4, stride: 2, padding: 'same' }, [3, 33, 31]],
  ['conv dilated rectangular', 'conv2d', { filters: 4, kernel: [3, 5], dilation: [2, 1], stride: [1, 2], padding: [2, 1] }, [3, 17, 16]],
  ['maxpool ceil', 'maxpool2d', { kernel: 3, stride: 2, ceilMode: true }, [3, 32, 32]],
  ['maxpool ceil drops the window in padding', 'maxpool2d', { kernel: 2, stride: 2, padding: 1, ceilMode: true }, [3, 5, 5]],
  ['avgpool ceil odd', 'avgpool2d', { kernel: 3, stride: 2, ceilMode: true, countIncludePad: false }, [3, 8, 9]],
  ['avgpool same', 'avgpool2d', { kernel: 3, stride: 1, padding: 'same' }, [3, 8, 9]],
  ['lrn', 'lrn', {}, [8, 5, 5]],
];

describe('emitted shapes match inferred shapes in onnxruntime', () => {
  it.each(WINDOWS)('%s', async (_label, type, params, [c, h, w]) => {
    const b = new DocBuilder();
    b.then('input', 'input', { channels: c, height: h, width: w });
    b.then('block', type, params);
    b.then('flat', 'flatten');
    b.then('fc', 'output', { classes: 3 });
    const { a, fwd, open } = session(b.build(), { training: false }, 'all');
    const s = await open();
    const res = await s.run({ [fwd.inputs[0]!.value]: new ort.Tensor('float32', new Float32Array(2 * c * h * w).fill(1), [2, c, h, w]) });
    const block = a.graph.nodes.find((p) => p.name === 'block')!;
    expect(res[fwd.values.get(block.id)![0]!]!.dims).toEqual([2, ...block.outShapes[0]!]);
  });
});

describe('dropout in training graphs', () => {
  const ones = () => new ort.Tensor('float32', new Float32Array(64).fill(1), [4, 1, 4, 4]);

  it('is the identity at inference and when off', async () => {
    for (const ctx of [{ training: false }, { training: true, dropout: 'off' as const }]) {
      const b = new DocBuilder();
      b.then('input', 'input', { channels: 1, height: 4, width: 4 });
      b.then('flat', 'flatten');
      b.then('drop', 'dropout', { p: 0.5 });
      b.then('fc', 'output', { classes: 16, head: 'identity' });
      const { fwd, open } = session(b.build(), ctx);
      const r = await (await open()).run({ input: ones() });
      expect(Array.from(r[fwd.outputs[0]!.value]!.data as Float32Array).every((v) => v === 1)).toBe(true);
    }
  });

  it("'random' zeroes about p of the values and scales the rest by 1/(1-p)", async () => {
    const b = new DocBuilder();
    b.then('input', 'input', { channels: 1, height: 32, width: 32 });
    b.then('flat', 'flatten');
    b.then('drop', 'dropout', { p: 0.25 });
    b.then('fc', 'output', { classes: 1024, head: 'identity' });
    const { fwd, open } = session(b.build(), { training: true, dropout: 'random', dropoutSeed: 7 });
    const r = await (await open()).run({ input: new ort.Tensor('float32', new Float32Array(4096).fill(1), [4, 1, 32, 32]) });
    const v = Array.from(r[fwd.outputs[0]!.value]!.data as Float32Array);
    const zeros = v.filter((x) => x === 0).length / v.length;
    expect(zeros).toBeGreaterThan(0.2);
    expect(zeros).toBeLessThan(0.3);
    expect(v.every((x) => x === 0 || Math.abs(x - 4 / 3) < 1e-6)).toBe(true);
  });

  it("'mask-input' multiplies by a fed mask", async () => {
    const b = new DocBuilder();
    b.then('input', 'input', { channels: 1, height: 2, width: 2 });
    b.then('flat', 'flatten');
    b.then('drop', 'dropout', { p: 0.5 });
    b.then('fc', 'output', { classes: 4, head: 'identity' });
    const { fwd, open } = session(b.build(), { training: true, dropout: 'mask-input' });
    expect(fwd.extraInputs.map((x) => x.value)).toEqual(['drop.mask']);
    const r = await (
      await open()
    ).run({
      input: new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4]), [1, 1, 2, 2]),
      'drop.mask': new ort.Tensor('float32', Float32Array.from([0, 2, 2, 0]), [1, 4]),
    });
    expect(Array.from(r[fwd.outputs[0]!.value]!.data as Float32Array)).toEqual([0, 4, 6, 0]);
  });
});

describe('emitForward contract', () => {
  it('refuses a graph with errors with a GraphError listing them', () => {
    const b = new DocBuilder();
    b.then('input', 'input', { channels: 1, height: 4, width: 4 });
    b.then('fc', 'dense');
    const g = analyze(b.build()).graph;
    expect(() => emitForward(g, new GraphBuilder(), null, { training: false })).toThrow(GraphError);
  });

  it('binds weights through a record and names graph inputs after Input blocks', () => {
    const a = analyze(buildTemplate('lenet5'));
    const map = Object.fromEntries(a.graph.weights.map((w) => [w.name, `W_${w.name}`]));
    const g = new GraphBuilder();
    const fwd = emitForward(a.graph, g, map, { training: false, batch: 'B' });
    expect(fwd.inputs).toEqual([{ node: 'input', name: 'input', value: 'input', shape: ['B', 1, 32, 32] }]);
    expect(fwd.outputs[0]!.shape).toEqual(['B', 10]);
    const used = new Set(g.nodes.flatMap((n) => n.inputs));
    for (const v of Object.values(map)) expect(used.has(v), v).toBe(true);
    expect(g.nodes.map((n) => n.opType)).toContain('Gemm');
  });

  it('training mode returns running-stat updates for every batch norm', () => {
    const a = analyze(buildTemplate('resnet18', { input: [3, 32, 32], classes: 10 }));
    const fwd = emitForward(a.graph, new GraphBuilder(), null, { training: true });
    const bnCount = a.graph.nodes.filter((p) => p.type === 'batchnorm2d').length;
    expect(fwd.stateUpdates.length).toBe(2 * bnCount);
    expect(fwd.stateUpdates[0]!.weight).toBe('bn1.running_mean');
  });

  it('initializes weights with PyTorch defaults', () => {
    const a = analyze(buildTemplate('lenet5'));
    const rnd = seededRandom(3);
    const conv = a.graph.weights.find((w) => w.name === 'conv1.weight')!;
    const v = initWeight(conv, rnd);
    const bound = 1 / Math.sqrt(25);
    expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...v.map(Math.abs))).toBeGreaterThan(bound * 0.8);
    const a2 = analyze(buildTemplate('resnet18'));
    expect(Array.from(initWeight(a2.graph.weights.find((w) => w.name === 'bn1.running_var')!))).toEqual(new Array(64).fill(1));
  });
});
