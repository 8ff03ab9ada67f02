/**
 * The Squeeze-Excite block (core/blocks/squeeze-excite.ts): torchvision's SqueezeExcitation
 * layout and weight names, its parameter count and MACs, the image-input diagnostic, a studio
 * export that imports back as the same blocks, and the PyTorch export (its SqueezeExcitation
 * class, with the mobile activations and Multiply around it) giving onnxruntime's logits.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPytorch } from '../../../core/export-pytorch/index';
import { analyze } from '../../../core/graph/analyze';
import { DocBuilder } from '../../../core/graph/doc-builder';
import { initWeight, seededRandom } from '../../../core/graph/init';
import type { ModelDocument, Params } from '../../../core/graph/types';
import { exportOnnx } from '../../../core/onnx/export';
import { importOnnx } from '../../../core/onnx/import';
import { decodeModel, encodeModel } from '../../../core/onnx/proto';
import { DRIVER, maxAbsDiff, runPython, studioLogits, TEST_RECIPE, torchMissing, writeFiles } from '../../helpers/python-torch';

const INPUT = [3, 8, 8] as const;
const BATCH = 2;

/** Every mobile block around two SE blocks (MobileNetV3's ReLU/Hardsigmoid, EfficientNet's SiLU/Sigmoid). */
function model(se1: Params = { squeeze: 4, activation: 'relu', gate: 'hardsigmoid' }): ModelDocument {
  const b = new DocBuilder();
  b.then('input', 'input', { channels: INPUT[0], height: INPUT[1], width: INPUT[2] });
  b.then('conv1', 'conv2d', { filters: 8, kernel: 3, padding: 1 });
  b.then('act1', 'hardswish');
  b.then('se1', 'squeezeexcite', se1);
  b.then('conv2', 'conv2d', { filters: 6, kernel: 3, padding: 1, groups: 2 });
  const x = b.then('act2', 'relu6');
  b.then('se2', 'squeezeexcite', { squeeze: 3, activation: 'silu', gate: 'sigmoid' });
  const s = b.then('act3', 'silu');
  b.then('conv3', 'conv2d', { filters: 6, kernel: 1, padding: 0 });
  const g = b.then('gate', 'hardsigmoid');
  b.add('mul', 'multiply', { inputs: 3 }, [s, g, x]);
  b.then('gap', 'globalavgpool');
  b.then('fc', 'output', { classes: 3 });
  return b.build();
}

function weightsOf(doc: ModelDocument, seed: number): Map<string, Float32Array> {
  const random = seededRandom(seed);
  return new Map(analyze(doc).graph.weights.map((w) => [w.name, initWeight(w, random)] as const));
}

function images(seed: number): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: BATCH * INPUT[0] * INPUT[1] * INPUT[2] }, () => 6 * random() - 3);
}

describe('Squeeze-Excite', () => {
  it("expands to torchvision's modules and weight names; params and MACs of two 1×1 convs on a 1×1 map", () => {
    const a = analyze(model());
    expect(a.diagnostics).toEqual([]);
    const inner = a.graph.nodes.filter((n) => n.name.startsWith('se1.')).map((n) => `${n.name}:${n.type}`);
    expect(inner).toEqual([
      'se1.avgpool:globalavgpool',
      'se1.fc1:conv2d',
      'se1.activation:relu',
      'se1.fc2:conv2d',
      'se1.scale_activation:hardsigmoid',
      'se1.mul:multiply',
    ]);
    expect(a.graph.weights.filter((w) => w.name.startsWith('se1.')).map((w) => `${w.name}[${w.shape.join(',')}]`)).toEqual([
      'se1.fc1.weight[4,8,1,1]',
      'se1.fc1.bias[4]',
      'se1.fc2.weight[8,4,1,1]',
      'se1.fc2.bias[8]',
    ]);
    const se1 = a.nodes.get('se1')!;
    expect(se1.params).toBe(8 * 4 + 4 + 4 * 8 + 8);
    expect(se1.macs).toBe(8 * 4 + 4 * 8);
    expect(se1.outShapes).toEqual([[8, 8, 8]]);
    expect(a.nodes.get('se2')!.params).toBe(6 * 3 + 3 + 3 * 6 + 6);
  });

  it('refuses a flat input with a diagnostic that says why', () => {
    const b = new DocBuilder();
    b.then('input', 'input', { channels: 1, height: 4, width: 4 });
    b.then('flatten', 'flatten');
    b.then('se', 'squeezeexcite');
    b.then('fc', 'output', { classes: 2 });
    const d = analyze(b.build()).diagnostics.filter((e) => e.severity === 'error');
    expect(d.map((e) => [e.code, e.message])).toEqual([
      ['needs-image-input', expect.stringMatching(/expects an image tensor N×C×H×W, got N×16; squeeze-excite gates the channels/)],
    ]);
  });

  it.each([
    [{ squeeze: 4, activation: 'relu', gate: 'hardsigmoid' }],
    [{ squeeze: 2, activation: 'silu', gate: 'hardsigmoid' }],
    [{ squeeze: 5, activation: 'relu', gate: 'sigmoid' }],
  ])('a studio export imports back as the same blocks, names and weights (%o)', (se1) => {
    const doc = model(se1);
    const weights = weightsOf(doc, 1);
    const back = importOnnx(decodeModel(encodeModel(exportOnnx(doc, { weights }).model)));
    expect(back.composites.sort()).toEqual(['se1 (squeezeexcite)', 'se2 (squeezeexcite)']);
    expect(back.document.nodes.find((n) => n.name === 'se1')!.params).toEqual(se1);
    expect(back.document.nodes.map((n) => `${n.name}:${n.type}`).sort()).toEqual(doc.nodes.map((n) => `${n.name}:${n.type}`).sort());
    for (const [name, v] of weights) expect(maxAbsDiff(back.weights.get(name) ?? new Float32Array(), v), name).toBe(0);
  });

  const missing = torchMissing();
  if (missing) console.warn(`skipping the Squeeze-Excite PyTorch check: ${missing}`);
  describe.skipIf(missing !== null)('PyTorch export', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'cnn-se-'));
    const weights = weightsOf(model(), 5);
    let code = '';
    beforeAll(() => {
      writeFiles(root, exportPytorch(model(), { projectName: 'se', recipe: TEST_RECIPE, weights }).files);
      code = readFileSync(path.join(root, 'model.py'), 'utf8');
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    it("writes torchvision's SqueezeExcitation and the activation modules", () => {
      expect(code).toMatch(/class SqueezeExcitation\(nn\.Module\):/);
      expect(code).toMatch(/self\.se1 = SqueezeExcitation\(8, 4, scale_activation=nn\.Hardsigmoid\)/);
      expect(code).toMatch(/self\.se2 = SqueezeExcitation\(6, 3, activation=nn\.SiLU\)/);
      for (const m of ['nn.Hardswish()', 'nn.ReLU6()', 'nn.SiLU()', 'nn.Hardsigmoid()']) expect(code).toContain(m);
    });

    it("gives the same logits as onnxruntime (1e-4), with the studio's weight names as its state_dict", async () => {
      const x = images(6);
      const shape = [BATCH, ...INPUT];
      const expected = await studioLogits(model(), weights, x, shape);
      writeFileSync(path.join(root, 'input.bin'), new Uint8Array(x.buffer));
      const output = path.join(root, 'logits.bin');
      writeFileSync(path.join(root, 'jobs.json'), JSON.stringify([{ id: 0, dir: root, input: path.join(root, 'input.bin'), shape, output }]));
      writeFileSync(path.join(root, 'driver.py'), DRIVER);
      runPython(['driver.py', 'jobs.json'], root);
      const got = new Float32Array(new Uint8Array(readFileSync(output)).buffer);
      expect(maxAbsDiff(got, expected)).toBeLessThan(1e-4);
      const keys = JSON.parse(readFileSync(`${output}.keys.json`, 'utf8')) as string[];
      expect(keys.sort()).toEqual([...weights.keys()].sort());
    });
  });
});
