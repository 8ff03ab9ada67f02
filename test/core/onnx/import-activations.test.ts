/**
 * Import of the mobile family's ONNX (core/onnx/import-activations.ts and the blocks' importOp):
 * torch.onnx exports come back as ReLU6, Hardswish, Hardsigmoid, SiLU, Multiply and
 * Squeeze-Excite blocks, never as generic "ONNX op" blocks, and re-export to the same logits.
 * The exports are made by PyTorch: test/fixtures/make_mobile_mini.py (committed model.onnx) and
 * torch_mobile_modules.py here (small modules and torchvision's MobileNetV2, MobileNetV3-Small and
 * EfficientNet-B0 with seeded weights; run by this test when python3-torch is installed).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../../core/graph/analyze';
import { GraphBuilder } from '../../../core/onnx/builder';
import { exportOnnx } from '../../../core/onnx/export';
import { importOnnx, type ImportResult } from '../../../core/onnx/import';
import type { Model } from '../../../core/onnx/ir';
import { decodeModel, encodeModel } from '../../../core/onnx/proto';
import { makeModel } from '../../../core/train/build-train-step';
import { maxAbsDiff, runPython, torchMissing } from '../../helpers/python-torch';
import { runOnnx } from '../../helpers/run-onnx';
import { Fixture } from '../../helpers/fixture-tensors';

const readModel = (file: string): Model => decodeModel(new Uint8Array(readFileSync(file)));

/** `name:type` of every top-level block, and of every block inside the groups. */
const blocks = (r: ImportResult): string[] => [
  ...r.document.nodes.map((n) => `${n.name}:${n.type}`),
  ...r.document.groups.flatMap((g) => g.nodes.map((n) => `${g.name}/${n.name}:${n.type}`)),
];

/** The imported document re-exported by the studio, run on `input`. */
async function reexportLogits(r: ImportResult, input: { shape: number[]; data: Float32Array }): Promise<Float32Array> {
  const re = exportOnnx(r.document, { weights: r.weights });
  expect(re.initialized).toEqual([]);
  return (await runOnnx(encodeModel(re.model), input)).logits!;
}

describe('mobile_mini (torch.onnx export of the reference fixture)', () => {
  const fx = new Fixture('mobile_mini');
  const r = importOnnx(readModel(fileURLToPath(new URL('../../fixtures/mobile_mini/model.onnx', import.meta.url))));

  it('imports as the mobile blocks, with both SE modules as Squeeze-Excite blocks', () => {
    expect(r.document.nodes.filter((n) => n.type === 'onnx-op')).toEqual([]);
    expect(analyze(r.document).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.document.nodes.map((n) => `${n.name}:${n.type}`)).toEqual(
      expect.arrayContaining([
        'stem_act:hardswish',
        'dw_act:relu6',
        'dw2_act:silu',
        'gate_act:hardsigmoid',
        'mul:multiply',
        'se1:squeezeexcite',
        'se2:squeezeexcite',
      ]),
    );
    expect(r.composites.sort()).toEqual(['se1 (squeezeexcite)', 'se2 (squeezeexcite)']);
    const params = (name: string) => r.document.nodes.find((n) => n.name === name)!.params;
    expect(params('se1')).toEqual({ squeeze: 8, activation: 'relu', gate: 'hardsigmoid' });
    expect(params('se2')).toEqual({ squeeze: 6, activation: 'silu', gate: 'sigmoid' });
    expect(r.mapping.Clip).toEqual({ relu6: 1 });
    expect(r.mapping.HardSwish).toEqual({ hardswish: 1 });
    expect([...r.weights.keys()]).toEqual(expect.arrayContaining(['se1.fc1.weight', 'se1.fc2.bias', 'se2.fc1.bias', 'gate.weight']));
  });

  it("re-exports to PyTorch's eval logits (1e-5)", async () => {
    const got = await reexportLogits(r, { shape: fx.manifest.input.shape, data: fx.f32(fx.manifest.input) });
    expect(maxAbsDiff(got, fx.f32(fx.manifest.eval_logits))).toBeLessThan(1e-5);
  });
});

const missing = torchMissing();
if (missing) console.warn(`skipping the torch.onnx import checks: ${missing}`);
describe.skipIf(missing !== null)('small torch modules exported by torch.onnx (torch_mobile_modules.py)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cnn-mobile-import-'));
  const load = (name: string) => {
    const index = JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8')) as Record<string, { input: number[] }>;
    const f32 = (file: string) => new Float32Array(new Uint8Array(readFileSync(path.join(dir, file))).buffer);
    return {
      r: importOnnx(readModel(path.join(dir, `${name}.onnx`))),
      input: { shape: index[name]!.input, data: f32(`${name}.input.bin`) },
      logits: f32(`${name}.logits.bin`),
    };
  };
  beforeAll(() => {
    runPython([fileURLToPath(new URL('./torch_mobile_modules.py', import.meta.url)), dir], dir, 300_000);
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['activations', 'functional', 'se_blocks'])('%s: no generic ONNX op blocks, and the same logits after re-export (1e-5)', async (name) => {
    const { r, input, logits } = load(name);
    expect(r.document.nodes.filter((n) => n.type === 'onnx-op').map((n) => n.params.opType)).toEqual([]);
    expect(maxAbsDiff(await reexportLogits(r, input), logits)).toBeLessThan(1e-5);
  });

  it('names module activations after their modules (act1..act4), functional ones after what they are', () => {
    expect(blocks(load('activations').r)).toEqual(expect.arrayContaining(['act1:relu6', 'act2:hardswish', 'act3:silu', 'act4:hardsigmoid']));
    // F.relu6 exports as Relu then Clip(0, 6): one ReLU6 block; F.silu at the top level: "silu".
    const functional = blocks(load('functional').r);
    expect(functional).toEqual(expect.arrayContaining(['clip:relu6', 'silu:silu', 'mul_1:multiply', 'sigmoid_1:sigmoid']));
    expect(functional.filter((b) => b.endsWith(':relu'))).toEqual([]);
  });

  it.each([
    ['mobilenet_v2', 0, { Clip: { relu6: 35 } }],
    ['mobilenet_v3_small', 9, { HardSwish: { hardswish: 19 }, HardSigmoid: { hardsigmoid: 9 }, Mul: { multiply: 9 } }],
    ['efficientnet_b0', 16, { Mul: { silu: 49, multiply: 16 }, Sigmoid: { sigmoid: 16 } }],
  ])('torchvision %s: no ONNX op blocks, %i squeeze-excite blocks, the same logits after re-export', async (name, se, mapping) => {
    const { r, input, logits } = load(name);
    const all = [...r.document.nodes, ...r.document.groups.flatMap((g) => g.nodes)];
    expect(all.filter((n) => n.type === 'onnx-op').map((n) => n.params.opType)).toEqual([]);
    expect(r.composites.filter((c) => c.endsWith('(squeezeexcite)'))).toHaveLength(se);
    expect(r.mapping).toMatchObject(mapping);
    const scale = logits.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(scale).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(await reexportLogits(r, input), logits)).toBeLessThan(1e-4 * scale);
  });

  it("recovers MobileNetV3's and EfficientNet's squeeze-excite modules", () => {
    const { r } = load('se_blocks');
    expect(r.composites.sort()).toEqual(['se (squeezeexcite)', 'se2 (squeezeexcite)']);
    expect(r.document.nodes.find((n) => n.name === 'se2')!.params).toEqual({ squeeze: 4, activation: 'silu', gate: 'sigmoid' });
  });
});

describe('ops that only look like the mobile blocks stay ONNX op blocks (nothing is approximated)', () => {
  /** input [1, 2, 3, 3] -> `body` -> GlobalAveragePool -> Flatten -> Gemm(5): a tiny classifier. */
  function tiny(body: (g: GraphBuilder, x: string) => string): Model {
    const g = new GraphBuilder('tiny');
    const x = g.input('input', 'float32', [1, 2, 3, 3]);
    const f = g.op1('Flatten', [g.op1('GlobalAveragePool', [body(g, x)])]);
    const y = g.op1('Gemm', [f, g.constFloat('fc.weight', new Float32Array(10).fill(0.1), [5, 2]), g.constFloat('fc.bias', new Float32Array(5), [5])], {
      transB: 1,
    });
    g.nodes.push({ name: 'out', opType: 'Identity', inputs: [y], outputs: ['logits'], attributes: {} });
    g.output('logits', 'float32', [1, 5]);
    return makeModel(g.build(), 'tiny');
  }

  it.each([
    ['Clip(0, 5)', 'Clip', { 'onnx-op': 1 }, (g: GraphBuilder, x: string) => g.op1('Clip', [x, g.constFloat('lo', [0], []), g.constFloat('hi', [5], [])])],
    ['Clip(-6, 6)', 'Clip', { 'onnx-op': 1 }, (g: GraphBuilder, x: string) => g.op1('Clip', [x, g.constFloat('lo', [-6], []), g.constFloat('hi', [6], [])])],
    ['HardSigmoid alpha 0.2 (Keras)', 'HardSigmoid', { 'onnx-op': 1 }, (g: GraphBuilder, x: string) => g.op1('HardSigmoid', [x], { alpha: 0.2, beta: 0.5 })],
    ['Mul by a constant', 'Mul', { 'onnx-op': 1 }, (g: GraphBuilder, x: string) => g.op1('Mul', [x, g.constFloat('k', [2], [])])],
    // A sigmoid of another value gates, it is no SiLU: a Multiply of two maps.
    [
      'Mul(Sigmoid(-x), Exp(x))',
      'Mul',
      { multiply: 1 },
      (g: GraphBuilder, x: string) => g.op1('Mul', [g.op1('Sigmoid', [g.op1('Neg', [x])]), g.op1('Exp', [x])]),
    ],
  ])('%s', (_name, op, expected, body) => {
    expect(importOnnx(tiny(body)).mapping[op]).toEqual(expected);
  });
});
