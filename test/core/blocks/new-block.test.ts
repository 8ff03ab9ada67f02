/**
 * A block is one file: this test defines two new blocks here and nowhere else, a composite
 * ("conv-bn-relu") and a primitive ("elu"), registers them, and takes a model using them through
 * the analysis, ONNX export, training steps in onnxruntime, PyTorch export (the generated
 * model.py gives onnxruntime's logits) and ONNX re-import (the imported nodes become the blocks
 * again). Nothing in core/, main/ or renderer/ names them: every step reads the definitions.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defineComposite, definePrimitive, getBlock, num, p, registerBlock, size } from '../../../core/blocks/index';
import { pyFloat } from '../../../core/export-pytorch/python';
import { SubBuilder } from '../../../core/blocks/subgraph';
import { innerNode, scalarParam } from '../../../core/blocks/module-match';
import { exportPytorch } from '../../../core/export-pytorch/index';
import { analyze } from '../../../core/graph/analyze';
import { DocBuilder } from '../../../core/graph/doc-builder';
import { initWeight, seededRandom } from '../../../core/graph/init';
import type { ModelDocument } from '../../../core/graph/types';
import { exportOnnx } from '../../../core/onnx/export';
import { importOnnx } from '../../../core/onnx/import';
import { buildStudioTrainStep } from '../../../core/train/studio';
import { TrainStepRunner } from '../../../main/trainer/ort-session';
import { addBlock } from '../../../renderer/state/ops';
import { DRIVER, maxAbsDiff, runPython, studioLogits, TEST_RECIPE, torchMissing, writeFiles } from '../../helpers/python-torch';
import { tempDir } from '../../helpers/temp-dir';

/** Conv (no bias) -> batch norm -> ReLU, torchvision's BasicConv2d without a class of its own. */
const convBnRelu = defineComposite({
  type: 'conv-bn-relu',
  label: 'Conv-BN-ReLU',
  category: 'Composite',
  description: 'A convolution without bias, batch norm and ReLU in one block.',
  nameStem: 'cbr',
  params: {
    filters: p.int('Filters', 8, 1, 65536),
    kernel: p.int('Kernel', 3, 1, 31),
  },
  expand(_in, P) {
    const b = new SubBuilder();
    const k = num(P, 'kernel');
    const conv = b.add('conv', 'conv2d', { filters: num(P, 'filters'), kernel: k, padding: Math.floor(k / 2), bias: false }, [{ input: 0 }]);
    const bn = b.add('bn', 'batchnorm2d', {}, [conv]);
    return b.build([b.add('relu', 'relu', {}, [bn])]);
  },
  // No `pytorch`: the generic fallback writes a class from the three children.
  importPattern: {
    members: ['conv', 'bn', 'relu'],
    params(def) {
      const conv = innerNode(def, 'conv');
      const filters = scalarParam(conv?.params.filters);
      const kernel = scalarParam(conv?.params.kernel);
      return filters === undefined || kernel === undefined ? null : { filters, kernel };
    },
  },
});

/** ELU (Clevert et al. 2015): x for x > 0, alpha (e^x - 1) otherwise; ONNX Elu, nn.ELU. */
const elu = definePrimitive({
  type: 'elu',
  label: 'ELU',
  category: 'Activation',
  description: 'x above 0, alpha (exp(x) - 1) below: a smooth ReLU.',
  nameStem: 'elu',
  params: { alpha: p.float('Alpha', 1, { min: 0, exclusiveMin: true }) },
  infer: ([x]) => ({ ok: true, shapes: [x!] }),
  cost: ([x]) => ({ macs: 0, otherOps: size(x!) * 3 }),
  emit: (g, a) => ({ outputs: [g.op1('Elu', [a.inputs[0]!], { alpha: num(a.params, 'alpha') }, { name: 'Elu' })] }),
  pytorch: (prim) => ({ ctor: `nn.ELU(${pyFloat(num(prim.params, 'alpha'))})` }),
  importOp: {
    op: 'Elu',
    params(n) {
      const a = n.attributes.alpha;
      return { alpha: a?.kind === 'float' ? a.value : 1 };
    },
  },
});

registerBlock(convBnRelu);
registerBlock(elu);

const INPUT = [3, 8, 8] as const;
const BATCH = 4;

function model(): ModelDocument {
  const b = new DocBuilder();
  b.then('input', 'input', { channels: INPUT[0], height: INPUT[1], width: INPUT[2] });
  b.then('cbr1', 'conv-bn-relu', { filters: 6, kernel: 3 });
  b.then('elu1', 'elu', { alpha: 0.5 });
  b.then('cbr2', 'conv-bn-relu', { filters: 8, kernel: 1 });
  b.then('gap', 'globalavgpool');
  b.then('fc', 'output', { classes: 3 });
  return b.build();
}

/** Initial weights, with batch norm statistics away from 0 and 1 so they count in the logits. */
function weightsOf(doc: ModelDocument, seed: number): Map<string, Float32Array> {
  const random = seededRandom(seed);
  const out = new Map<string, Float32Array>();
  for (const w of analyze(doc).graph.weights) {
    const v = initWeight(w, random);
    if (w.suffix === 'running_var') for (let i = 0; i < v.length; i++) v[i] = 0.5 + random();
    if (w.suffix === 'running_mean') for (let i = 0; i < v.length; i++) v[i] = 0.2 * (random() - 0.5);
    out.set(w.name, v);
  }
  return out;
}

function images(seed: number): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: BATCH * INPUT[0] * INPUT[1] * INPUT[2] }, () => random() * 2 - 1);
}

describe('blocks defined in one place (conv-bn-relu and elu, this file only)', () => {
  it('is registered once, and names new blocks with its stem', () => {
    expect(getBlock('conv-bn-relu')).toBe(convBnRelu);
    expect(() => registerBlock(convBnRelu)).toThrow(/registered already/);
    const { doc, id } = addBlock(model(), 'conv-bn-relu', { x: 0, y: 0 });
    expect(doc.nodes.find((n) => n.id === id)!.name).toBe('cbr3');
    expect(addBlock(model(), 'elu', { x: 0, y: 0 }).doc.nodes.at(-1)!.name).toBe('elu2');
  });

  it('passes validation: shapes, weights and parameter count', () => {
    const a = analyze(model());
    expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const names = a.graph.weights.map((w) => w.name);
    expect(names).toContain('cbr1.conv.weight');
    expect(names).toContain('cbr2.bn.running_var');
    expect(names).not.toContain('cbr1.conv.bias');
    expect(a.graph.nodes.find((n) => n.name === 'cbr2.relu')!.outShapes[0]).toEqual([8, 8, 8]);
  });

  it('exports to ONNX and trains: the loss falls and every gradient is finite', async () => {
    const doc = model();
    const { model: onnx } = exportOnnx(doc, { weights: weightsOf(doc, 1) });
    expect(onnx.graph.nodes.map((n) => n.opType)).toEqual(expect.arrayContaining(['Conv', 'BatchNormalization', 'Relu', 'Elu']));
    const { step, weights } = buildStudioTrainStep(doc, { batchSize: BATCH, optimizer: { kind: 'sgd' }, outputGradients: true });
    const random = seededRandom(2);
    const runner = await TrainStepRunner.create(step, { kind: 'sgd' }, new Map(weights.map((w) => [w.name, initWeight(w, random)] as const)));
    const x = images(3);
    const labels = BigInt64Array.from([0n, 1n, 2n, 1n]);
    const losses: number[] = [];
    try {
      for (let i = 0; i < 8; i++) {
        const r = await runner.run(x, [BATCH, ...INPUT], labels, 0.1);
        losses.push(r.loss);
        expect(r.gradients.size).toBe(weights.filter((w) => w.role === 'param').length);
        for (const [name, g] of r.gradients) expect(g.every(Number.isFinite), name).toBe(true);
      }
    } finally {
      await runner.session.release();
    }
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! * 0.9);
  });

  it('re-imports from ONNX as the same blocks, names and weights', () => {
    const doc = model();
    const weights = weightsOf(doc, 4);
    const { model: onnx } = exportOnnx(doc, { weights });
    const back = importOnnx(onnx);
    expect(back.composites.sort()).toEqual(['cbr1 (conv-bn-relu)', 'cbr2 (conv-bn-relu)']);
    const cbr1 = back.document.nodes.find((n) => n.name === 'cbr1')!;
    expect(cbr1.type).toBe('conv-bn-relu');
    expect(cbr1.params).toEqual({ filters: 6, kernel: 3 });
    expect(back.document.nodes.find((n) => n.name === 'cbr2')!.params).toEqual({ filters: 8, kernel: 1 });
    const elu1 = back.document.nodes.find((n) => n.name === 'elu1')!;
    expect(elu1.type).toBe('elu');
    expect(elu1.params.alpha).toBe(0.5);
    expect(back.mapping.Elu).toEqual({ elu: 1 });
    for (const [name, v] of weights) expect(maxAbsDiff(back.weights.get(name) ?? new Float32Array(), v), name).toBe(0);
  });

  const missing = torchMissing();
  if (missing) console.warn(`skipping the conv-bn-relu PyTorch check: ${missing}`);
  describe.skipIf(missing !== null)('PyTorch export', () => {
    const root = tempDir('cnn-new-block-');
    let code = '';
    beforeAll(() => {
      const doc = model();
      const weights = weightsOf(doc, 5);
      writeFiles(root, exportPytorch(doc, { projectName: 'new block', recipe: TEST_RECIPE, weights }).files);
      code = readFileSync(path.join(root, 'model.py'), 'utf8');
    });

    it("writes a class for the composite, built from its children, and the primitive's module", () => {
      expect(code).toMatch(/class ConvBnRelu\(nn\.Module\):/);
      expect(code).toMatch(/self\.cbr1 = ConvBnRelu\(\)/);
      expect(code).toMatch(/self\.elu1 = nn\.ELU\(0\.5\)/);
    });

    it('gives the same logits as onnxruntime (1e-4) with the studio weight names', async () => {
      const doc = model();
      const weights = weightsOf(doc, 5);
      const x = images(6);
      const shape = [BATCH, ...INPUT];
      const expected = await studioLogits(doc, weights, x, shape);
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
