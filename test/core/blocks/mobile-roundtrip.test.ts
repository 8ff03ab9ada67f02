/**
 * The mobile blocks survive the studio's own ONNX round trip: a model drawn with them exports,
 * imports back as the same blocks (batch norm unfolded, stochastic depth gone: it is the identity
 * in an inference export) and computes the same logits.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../core/graph/analyze';
import { DocBuilder } from '../../../core/graph/doc-builder';
import { initWeight, seededRandom } from '../../../core/graph/init';
import { exportOnnx } from '../../../core/onnx/export';
import { importOnnx } from '../../../core/onnx/import';
import { decodeModel, encodeModel } from '../../../core/onnx/proto';
import { maxAbsDiff } from '../../helpers/fixture-onnx';
import { runOnnx } from '../../helpers/run-onnx';

function drawn() {
  const b = new DocBuilder();
  b.then('input', 'input', { channels: 3, height: 16, width: 16 });
  b.then('stem', 'separableconv', { filters: 16, stride: 2, activation: 'relu6' });
  b.then('features.1', 'mbconv', { filters: 16, expansion: 4, activation: 'hardswish', se: true, layout: 'mobilenet_v3' });
  b.then('features.2', 'mbconv', { filters: 24, expansion: 6, kernel: 5, stride: 2, activation: 'silu', se: true, layout: 'efficientnet' });
  b.then('features.3', 'mbconv', { filters: 24, expansion: 1, layout: 'mobilenet_v2' });
  b.then('avgpool', 'globalavgpool');
  b.then('fc', 'output', { classes: 4 });
  return b.build();
}

describe('mobile blocks through ONNX and back', () => {
  it('import as separable conv and MBConv blocks with their parameters, and compute the same logits', async () => {
    const doc = drawn();
    const random = seededRandom(9);
    const weights = new Map(analyze(doc).graph.weights.map((w) => [w.name, initWeight(w, random)]));
    for (const [name, v] of weights) if (name.endsWith('running_var')) v.forEach((_, i) => (v[i] = 0.5 + random()));
    const bytes = encodeModel(exportOnnx(doc, { weights }).model);
    const back = importOnnx(decodeModel(bytes));
    const types = Object.fromEntries(back.document.nodes.map((n) => [n.name, n.type]));
    expect(types).toMatchObject({ stem: 'separableconv', 'features.1': 'mbconv', 'features.2': 'mbconv', 'features.3': 'mbconv' });
    const f2 = back.document.nodes.find((n) => n.name === 'features.2')!.params;
    expect(f2).toMatchObject({ filters: 24, kernel: 5, stride: 2, se: true, activation: 'silu', layout: 'efficientnet', batchNorm: true });
    const x = { shape: [2, 3, 16, 16], data: Float32Array.from({ length: 2 * 3 * 16 * 16 }, () => random() * 2 - 1) };
    const again = encodeModel(exportOnnx(back.document, { weights: back.weights }).model);
    const [a, b] = [await runOnnx(bytes, x), await runOnnx(again, x)];
    expect(maxAbsDiff(a.logits!, b.logits!)).toBeLessThan(1e-5);
  });
});
