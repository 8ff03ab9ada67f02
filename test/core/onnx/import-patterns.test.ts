/**
 * Exporter patterns the fixtures do not show, built by hand: Pad merged into Conv, a
 * Shape/Gather/Concat/Reshape flatten, MatMul + Add, ops without a block, Softmax outputs.
 * Each must import, re-export and compute what the original computes.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../core/graph/analyze';
import { GraphBuilder } from '../../../core/onnx/builder';
import { exportOnnx } from '../../../core/onnx/export';
import { importOnnx } from '../../../core/onnx/import';
import type { Model } from '../../../core/onnx/ir';
import { decodeModel, encodeModel } from '../../../core/onnx/proto';
import { seededRandom } from '../../../core/graph/init';
import { buildStudioTrainStep } from '../../../core/train/studio';
import { TrainStepRunner } from '../../../main/trainer/ort-session';
import { readFileSync } from 'node:fs';
import { loadFixture, maxAbsDiff } from '../../helpers/fixture-onnx';
import { onnxParamCount } from '../../helpers/onnx-param-count';
import { runOnnx } from '../../helpers/run-onnx';

const rnd = seededRandom(11);
const randn = (n: number, scale = 0.3) => Float32Array.from({ length: n }, () => (rnd() * 2 - 1) * scale);

function model(g: GraphBuilder, opset = 17): Model {
  return { irVersion: 8, opsetImports: [{ domain: '', version: opset }], producerName: 'hand', producerVersion: '1', graph: g.build(), metadata: {} };
}

async function roundTrip(m: Model, inputShape: number[]) {
  const bytes = encodeModel(m);
  const imported = importOnnx(decodeModel(bytes));
  expect(analyze(imported.document).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const re = exportOnnx(imported.document, { weights: imported.weights });
  expect(re.initialized).toEqual([]);
  expect(onnxParamCount(re.model)).toBe(onnxParamCount(m));
  const x = {
    shape: inputShape,
    data: randn(
      inputShape.reduce((a, b) => a * b, 1),
      1,
    ),
  };
  const a = await runOnnx(bytes, x);
  const b = await runOnnx(encodeModel(re.model), x);
  return { imported, a, b, re };
}

describe('import patterns', () => {
  it('Pad + Conv (asymmetric = same), view(x.size(0), -1), MatMul + Add, Softmax output', async () => {
    const g = new GraphBuilder('hand');
    g.input('x', 'float32', ['batch', 3, 8, 8]);
    const w1 = g.initializer('conv_a.weight', 'float32', [4, 3, 3, 3], randn(108), true);
    const p1 = g.op1('Pad', ['x', g.constInt64('pads', [0, 0, 1, 1, 0, 0, 1, 1])], { mode: 'constant' }, { name: '/conv_a/Pad' });
    const c1 = g.op1('Conv', [p1, w1], { kernel_shape: [3, 3] }, { name: '/conv_a/Conv' });
    const w2 = g.initializer('conv_b.weight', 'float32', [5, 4, 4, 4], randn(320), true);
    const p2 = g.op1('Pad', [c1, g.constInt64('pads2', [0, 0, 1, 1, 0, 0, 2, 2])], {}, { name: '/conv_b/Pad' });
    const c2 = g.op1('Relu', [g.op1('Conv', [p2, w2], { kernel_shape: [4, 4] }, { name: '/conv_b/Conv' })]);
    // x.view(x.size(0), -1) as torch.onnx writes it
    const shape = g.op1('Shape', [c2]);
    const n = g.op1('Gather', [shape, g.constInt64('zero', [0], [])], { axis: 0 });
    const nU = g.op1('Unsqueeze', [n, g.constInt64('axes', [0])]);
    const target = g.op1('Concat', [nU, g.constInt64('minus1', [-1])], { axis: 0 });
    const flat = g.op1('Reshape', [c2, target]);
    const wm = g.initializer('fc.weight', 'float32', [320, 6], randn(1920, 0.05), true);
    const mm = g.op1('MatMul', [flat, wm], {}, { name: '/fc/MatMul' });
    const fc = g.op1('Add', [mm, g.initializer('fc.bias', 'float32', [6], randn(6), true)], {}, { name: '/fc/Add' });
    g.op('Softmax', [fc], { axis: 1 }, { outputNames: ['prob'] });
    g.output('prob', 'float32', ['batch', 6]);
    const { imported, a, b } = await roundTrip(model(g), [2, 3, 8, 8]);
    const types = imported.document.nodes.map((nd) => `${nd.name}:${nd.type}`);
    expect(types).toEqual(['input:input', 'conv_a:conv2d', 'conv_b:conv2d', 'relu:relu', 'flatten:flatten', 'fc:output']);
    const convB = imported.document.nodes.find((nd) => nd.name === 'conv_b')!;
    expect(convB.params.padding).toBe('same');
    expect(imported.document.nodes.find((nd) => nd.name === 'conv_a')!.params.padding).toBe(1);
    expect(maxAbsDiff(a.prob!, b.probabilities!)).toBeLessThan(1e-6);
  });

  it('ops without a block become ONNX-op blocks that keep weights, attributes and shapes', async () => {
    const g = new GraphBuilder('hand');
    g.input('input', 'float32', ['N', 2, 6, 6]);
    const w = g.initializer('c.weight', 'float32', [4, 2, 3, 3], randn(72), true);
    const c = g.op1('Conv', ['input', w], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, { name: '/c/Conv' });
    const pr = g.op1('PRelu', [c, g.initializer('act.slope', 'float32', [4, 1, 1], randn(4), true)], {}, { name: '/act/PRelu' });
    const hs = g.op1('HardSigmoid', [pr], { alpha: 0.3, beta: 0.4 }, { name: '/hs/HardSigmoid' });
    const mp = g.op1('MaxPool', [hs], { kernel_shape: [2, 2], strides: [2, 2] });
    const gap = g.op1('GlobalMaxPool', [mp]);
    const flat = g.op1('Flatten', [gap], { axis: 1 });
    g.op(
      'Gemm',
      [flat, g.initializer('head.weight', 'float32', [3, 4], randn(12), true), g.initializer('head.bias', 'float32', [3], randn(3), true)],
      { transB: 1 },
      { outputNames: ['out'] },
    );
    g.output('out', 'float32', ['N', 3]);
    const { imported, a, b } = await roundTrip(model(g), [3, 2, 6, 6]);
    const generic = imported.document.nodes.filter((nd) => nd.type === 'onnx-op');
    expect(generic.map((nd) => nd.params.opType)).toEqual(['PRelu', 'HardSigmoid', 'GlobalMaxPool']);
    expect([...imported.weights.keys()]).toContain('act.input1');
    const report = analyze(imported.document).nodes;
    expect(report.get(generic[2]!.id)!.outShapes[0]).toEqual([4, 1, 1]);
    expect(maxAbsDiff(a.out!, b.logits!)).toBeLessThan(1e-6);
  });

  it('an imported model trains: one SGD step runs and its loss is the eval loss', async () => {
    const fx = loadFixture('resnet_mini');
    const imported = importOnnx(decodeModel(new Uint8Array(readFileSync(fx.onnxPath))));
    const { step } = buildStudioTrainStep(imported.document, { batchSize: 8, optimizer: { kind: 'sgd' } });
    const runner = await TrainStepRunner.create(step, { kind: 'sgd' }, imported.weights);
    try {
      const r = await runner.run(fx.input.data, fx.input.shape, fx.labels, 0.01);
      // The import has batch norm folded (no BN left), so the training forward is the eval forward.
      let loss = 0;
      for (let i = 0; i < 8; i++) {
        const row = fx.evalLogits.data.subarray(i * 10, i * 10 + 10);
        const max = Math.max(...row);
        const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
        loss += lse - row[Number(fx.labels[i])]!;
      }
      expect(Math.abs(r.loss - loss / 8)).toBeLessThan(1e-5);
      const after = await runner.run(fx.input.data, fx.input.shape, fx.labels, 0);
      expect(after.loss).toBeLessThan(r.loss);
    } finally {
      await runner.session.release();
    }
  });
});

describe('imported ONNX ops across opsets', () => {
  it('keep their source opset; exporting at it round-trips, another opset warns', async () => {
    const g = new GraphBuilder('hand');
    g.input('input', 'float32', ['N', 2, 4, 4]);
    const w = g.initializer('c.weight', 'float32', [3, 2, 1, 1], randn(6), true);
    const c = g.op1('Conv', ['input', w], { kernel_shape: [1, 1] }, { name: '/c/Conv' });
    const gap = g.op1('ReduceMean', [c], { axes: [2, 3], keepdims: 1 }, { name: '/pool/ReduceMean' });
    const sq = g.op1('Squeeze', [gap], { axes: [2, 3] }, { name: '/sq/Squeeze' });
    g.op('Gemm', [sq, g.initializer('fc.weight', 'float32', [4, 3], randn(12), true)], { transB: 1 }, { outputNames: ['out'], name: '/fc/Gemm' });
    g.output('out', 'float32', ['N', 4]);
    const m = model(g, 11);
    const imported = importOnnx(decodeModel(encodeModel(m)));
    const sqNode = imported.document.nodes.find((n) => n.type === 'onnx-op')!;
    expect(sqNode.params).toMatchObject({ opType: 'Squeeze', opset: 11 });
    const at11 = exportOnnx(imported.document, { weights: imported.weights, opset: 11 });
    expect(at11.warnings.filter((x) => /imported ONNX op/.test(x))).toEqual([]);
    const x = { shape: [2, 2, 4, 4], data: randn(64, 1) };
    const a = await runOnnx(encodeModel(m), x);
    const b = await runOnnx(encodeModel(at11.model), x);
    expect(maxAbsDiff(a.out!, b.logits!)).toBeLessThan(1e-6);
    const at17 = exportOnnx(imported.document, { weights: imported.weights });
    expect(at17.warnings.join('\n')).toMatch(/Squeeze \(opset 11\).*--opset 11/);
  });
});
