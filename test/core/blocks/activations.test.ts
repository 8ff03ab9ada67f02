/**
 * The mobile activations (relu6.ts, hardswish.ts, hardsigmoid.ts, silu.ts on activation.ts):
 * each block's ONNX export, run in onnxruntime, computes PyTorch's formula on values that cross
 * every kink (ReLU6's 0 and 6, the hard functions' -3 and 3); the shape rule, metrics and a
 * studio export -> import round trip back to the same block.
 */
import { describe, expect, it } from 'vitest';
import { getBlock } from '../../../core/blocks/index';
import { analyze } from '../../../core/graph/analyze';
import { DocBuilder } from '../../../core/graph/doc-builder';
import type { ModelDocument } from '../../../core/graph/types';
import { exportOnnx } from '../../../core/onnx/export';
import { importOnnx } from '../../../core/onnx/import';
import { decodeModel, encodeModel } from '../../../core/onnx/proto';
import { runOnnx } from '../../helpers/run-onnx';
import { inferBlock } from '../../helpers/block-infer';

/** PyTorch's definitions (torch.nn docs), in float64. */
const FORMULAS: Record<string, (x: number) => number> = {
  relu6: (x) => Math.min(Math.max(x, 0), 6),
  hardswish: (x) => (x * Math.min(Math.max(x + 3, 0), 6)) / 6,
  hardsigmoid: (x) => Math.min(Math.max(x / 6 + 0.5, 0), 1),
  silu: (x) => x / (1 + Math.exp(-x)),
};
const TYPES = Object.keys(FORMULAS);

/** 2×4×4 = 32 values from -8 to 7.5 in steps of 0.5: both sides of every kink, and the kinks. */
const X = Float32Array.from({ length: 32 }, (_, i) => -8 + i * 0.5);

/** input 2×4×4 -> activation -> flatten -> identity output: the logits are the activation's values. */
function probe(type: string): ModelDocument {
  const b = new DocBuilder();
  b.then('input', 'input', { channels: 2, height: 4, width: 4 });
  b.then('act', type);
  b.then('flatten', 'flatten');
  b.then('out', 'output', { classes: 32, head: 'identity' });
  return b.build();
}

describe('mobile activations', () => {
  it.each(TYPES)("%s computes PyTorch's formula in onnxruntime (1e-6)", async (type) => {
    const { model } = exportOnnx(probe(type), { weights: new Map() });
    const y = (await runOnnx(encodeModel(model), { shape: [1, 2, 4, 4], data: X })).logits!;
    X.forEach((x, i) => expect(y[i], `${type}(${x})`).toBeCloseTo(FORMULAS[type]!(x), 5));
  });

  it.each(TYPES)('%s keeps its input shape, costs no MACs and has no weights', (type) => {
    expect(inferBlock(type, {}, [[8, 5, 7]])).toEqual({ shapes: [[8, 5, 7]] });
    expect(inferBlock(type, {}, [[10]])).toEqual({ shapes: [[10]] });
    const a = analyze(probe(type));
    expect(a.diagnostics).toEqual([]);
    expect(a.totals.macs).toBe(0);
    expect(a.totals.params).toBe(0);
    expect(a.totals.otherOps).toBeGreaterThanOrEqual(32);
  });

  it('emits the ops torch.onnx writes: Clip(0, 6), HardSwish, HardSigmoid(1/6, 1/2), Sigmoid then Mul', () => {
    const ops = (type: string) =>
      exportOnnx(probe(type), { weights: new Map() })
        .model.graph.nodes.map((n) => n.opType)
        .filter((t) => !['Flatten', 'Identity', 'Softmax'].includes(t));
    expect(ops('relu6')).toEqual(['Clip']);
    expect(ops('hardswish')).toEqual(['HardSwish']);
    expect(ops('hardsigmoid')).toEqual(['HardSigmoid']);
    expect(ops('silu')).toEqual(['Sigmoid', 'Mul']);
    const hs = exportOnnx(probe('hardsigmoid'), { weights: new Map() }).model.graph.nodes.find((n) => n.opType === 'HardSigmoid')!;
    expect(hs.attributes.alpha).toEqual({ kind: 'float', value: 1 / 6 });
  });

  it.each(TYPES)('%s at opsets 11 and 13 (Hardswish as x·HardSigmoid(x) before opset 14): same values, same block back', async (type) => {
    for (const opset of [11, 13]) {
      const { model } = exportOnnx(probe(type), { weights: new Map(), opset });
      if (type === 'hardswish') expect(model.graph.nodes.map((n) => n.opType)).not.toContain('HardSwish');
      const y = (await runOnnx(encodeModel(model), { shape: [1, 2, 4, 4], data: X })).logits!;
      X.forEach((x, i) => expect(y[i], `${type}(${x}) at opset ${opset}`).toBeCloseTo(FORMULAS[type]!(x), 5));
      const back = importOnnx(decodeModel(encodeModel(model)));
      expect(back.document.nodes.map((n) => `${n.name}:${n.type}`)).toContain(`act:${type}`);
      expect(back.document.nodes.filter((n) => n.type === 'onnx-op')).toEqual([]);
    }
  });

  it.each(TYPES)('%s: a studio export imports back as the same block and name', (type) => {
    const { model } = exportOnnx(probe(type), { weights: new Map() });
    const back = importOnnx(decodeModel(encodeModel(model)));
    expect(back.document.nodes.map((n) => `${n.name}:${n.type}`)).toContain(`act:${type}`);
    expect(back.document.nodes.filter((n) => n.type === 'onnx-op' || n.type === 'sigmoid')).toEqual([]);
  });

  it.each([
    ['relu6', 'nn.ReLU6()'],
    ['hardswish', 'nn.Hardswish()'],
    ['hardsigmoid', 'nn.Hardsigmoid()'],
    ['silu', 'nn.SiLU()'],
  ])('%s exports to PyTorch as %s', (type, ctor) => {
    const b = getBlock(type)!;
    expect(b.kind === 'primitive' && b.pytorch ? b.pytorch(analyze(probe(type)).graph.nodes.find((n) => n.name === 'act')!).ctor : null).toBe(ctor);
  });
});
