/**
 * The generated model.py reproduces the studio: for every template (small inputs, few classes)
 * the PyTorch logits equal the studio's onnxruntime logits, and for every reference fixture they
 * equal the fixture's PyTorch logits, within 1e-4; state dict keys are the studio's weight names.
 * All models run in one Python process, so torch is imported once.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPytorch } from '../../../core/export-pytorch/index';
import { analyze } from '../../../core/graph/analyze';
import { initWeight, seededRandom } from '../../../core/graph/init';
import type { ModelDocument } from '../../../core/graph/types';
import { buildTemplate } from '../../../core/templates/index';
import { FIXTURE_MODELS, loadManifest, readTensor, toFixtureName } from '../../helpers/fixture-models';
import { DRIVER, LINT, maxAbsDiff, runPython, studioLogits, TEST_RECIPE, torchMissing, writeFiles } from '../../helpers/python-torch';
import { branchesModel, groupsModel } from '../../helpers/export-models';
import { tempDir } from '../../helpers/temp-dir';

const missing = torchMissing();
if (missing) console.warn(`skipping the PyTorch export logits tests: ${missing}`);

interface Case {
  id: string;
  doc: () => ModelDocument;
  /** Fixture cases compare with the fixture's PyTorch logits; templates with the studio's. */
  fixture?: string;
  /** Project name (default: the id); one awkward name checks docstrings stay valid Python. */
  name?: string;
}

const TEMPLATE_CASES: [string, [number, number, number], string?][] = [
  ['lenet5', [1, 32, 32]],
  ['lenet5', [1, 32, 32], 'classic'],
  ['alexnet', [3, 64, 64]],
  ['vgg16', [3, 32, 32]],
  ['googlenet', [3, 32, 32]],
  ['googlenet', [3, 32, 32], 'torchvision'],
  ['resnet18', [3, 32, 32]],
  ['resnet34', [3, 32, 32]],
  ['resnet50', [3, 32, 32]],
  ['resnet101', [3, 32, 32]],
  ['resnet152', [3, 32, 32]],
];

const CASES: Case[] = [
  ...TEMPLATE_CASES.map(([t, input, variant]): Case => ({
    id: `${t}${variant ? `-${variant}` : ''}`,
    doc: () => buildTemplate(t, { input, classes: 5, ...(variant ? { variant } : {}) }),
  })),
  ...Object.keys(FIXTURE_MODELS).map((f): Case => ({ id: `fixture-${f}`, doc: FIXTURE_MODELS[f]!, fixture: f })),
  { id: 'custom-groups', doc: groupsModel },
  { id: 'custom-branches', doc: branchesModel, name: 'branches "v2" \\N{x}\nnew' },
];

/** Random weights with non-trivial batch norm statistics (initialisation alone leaves them 0 and 1). */
function randomWeights(doc: ModelDocument, seed: number): Map<string, Float32Array> {
  const random = seededRandom(seed);
  const out = new Map<string, Float32Array>();
  for (const w of analyze(doc).graph.weights) {
    const v = initWeight(w, random);
    if (/\.(running_var|weight)$/.test(w.name) && w.shape.length === 1) for (let i = 0; i < v.length; i++) v[i] = 0.5 + random();
    if (/\.(running_mean|bias)$/.test(w.name) && w.suffix !== 'bias') for (let i = 0; i < v.length; i++) v[i] = 0.2 * (random() - 0.5);
    out.set(w.name, v);
  }
  return out;
}

interface Prepared {
  expected: Float32Array;
  output: string;
  names: string[];
}

describe.skipIf(missing !== null)('export-pytorch: generated models reproduce the studio', () => {
  const root = tempDir('cnn-pt-logits-');
  const prepared = new Map<string, Prepared>();
  const errors: Record<string, string> = {};

  beforeAll(async () => {
    const jobs: object[] = [];
    for (const [i, c] of CASES.entries()) {
      const doc = c.doc();
      const graph = analyze(doc).graph;
      const [C, H, W] = graph.nodes.find((n) => n.type === 'input')!.outShapes[0]!;
      let weights: Map<string, Float32Array>;
      let x: Float32Array;
      let shape: number[];
      let expected: Float32Array;
      if (c.fixture) {
        const m = loadManifest(c.fixture);
        weights = new Map(graph.weights.map((w) => [w.name, readTensor(c.fixture!, m.params[toFixtureName(w.name)]!)]));
        x = readTensor(c.fixture, m.input);
        shape = m.input.shape;
        expected = readTensor(c.fixture, m.eval_logits);
      } else {
        weights = randomWeights(doc, i + 1);
        shape = [2, C!, H!, W!];
        const random = seededRandom(1000 + i);
        x = Float32Array.from({ length: 2 * C! * H! * W! }, () => random() * 2 - 1);
        expected = await studioLogits(doc, weights, x, shape);
      }
      const dir = path.join(root, c.id);
      writeFiles(dir, exportPytorch(doc, { projectName: c.name ?? c.id, recipe: TEST_RECIPE, weights }).files);
      const input = path.join(dir, 'input.bin');
      writeFileSync(input, new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
      const output = path.join(dir, 'logits.bin');
      jobs.push({ id: i, dir, input, shape, output });
      prepared.set(c.id, { expected, output, names: graph.weights.map((w) => w.name) });
    }
    writeFileSync(path.join(root, 'jobs.json'), JSON.stringify(jobs));
    writeFileSync(path.join(root, 'driver.py'), DRIVER);
    runPython(['driver.py', 'jobs.json'], root, 240_000);
  }, 300_000);

  it('writes PEP 8-width Python with no unused imports', () => {
    writeFileSync(path.join(root, 'lint.py'), LINT);
    const files = CASES.flatMap((c) => ['model.py', 'train.py', 'export_onnx.py'].map((f) => path.join(root, c.id, f)));
    const problems = JSON.parse(runPython(['lint.py', ...files], root).stdout) as string[];
    expect(problems).toEqual([]);
  });

  afterAll(() => {
    console.log(`max |logit difference| (max |logit|) per model: ${JSON.stringify(errors)}`);
  });

  it.each(CASES.map((c) => c.id))('%s: same logits (1e-4) and state dict names', (id) => {
    const p = prepared.get(id)!;
    const got = new Float32Array(new Uint8Array(readFileSync(p.output)).buffer);
    const err = maxAbsDiff(got, p.expected);
    const scale = p.expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    errors[id] = `${err.toExponential(2)} (${scale.toPrecision(3)})`;
    expect(err).toBeLessThan(1e-4);
    const keys = JSON.parse(readFileSync(`${p.output}.keys.json`, 'utf8')) as string[];
    expect(keys.sort()).toEqual([...p.names].sort());
  });
});
