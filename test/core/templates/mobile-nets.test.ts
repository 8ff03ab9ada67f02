/**
 * The MobileNet / EfficientNet templates against torchvision (python3-torch, weights=None):
 * parameter counts exactly and conv+linear MACs within 1% at 3x224x224 / 1000 classes, no
 * diagnostics, and at 3x64x64 the same logits as torchvision's for torchvision's seeded random
 * weights, both through the studio's ONNX export (onnxruntime) and through the PyTorch export
 * (model.py loading torchvision's state dict by name).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPytorch } from '../../../core/export-pytorch/index';
import { analyze } from '../../../core/graph/analyze';
import { buildTemplate } from '../../../core/templates/index';
import { DRIVER, maxAbsDiff, runPython, studioLogits, TEST_RECIPE, torchMissing, writeFiles } from '../../export-pytorch/helpers';

const MODELS = ['mobilenet_v2', 'mobilenet_v3_small', 'mobilenet_v3_large', 'efficientnet_b0'];
/** torchvision's published parameter counts at 1000 classes (the figures). */
const PUBLISHED: Record<string, number> = { mobilenet_v2: 3_504_872, mobilenet_v3_small: 2_542_856, mobilenet_v3_large: 5_483_032, efficientnet_b0: 5_288_548 };
const HERE = path.dirname(new URL(import.meta.url).pathname);
const SMALL: [number, number, number] = [3, 64, 64];
const CLASSES = 5;

const missing = torchMissing();
if (missing) console.warn(`skipping the torchvision comparisons: ${missing}`);

interface Manifest {
  tensors: Record<string, number[]>;
  input: number[];
  logits: number[];
}

const readF32 = (file: string): Float32Array => {
  const b = readFileSync(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

describe('mobile templates at 3x224x224, 1000 classes', () => {
  it.each(MODELS)('%s: no diagnostics, the published parameter count', (id) => {
    const a = analyze(buildTemplate(id));
    expect(a.diagnostics).toEqual([]);
    expect(a.totals.params).toBe(PUBLISHED[id]);
    expect(a.graph.nodes.at(-1)!.outShapes).toEqual([[1000]]);
  });

  it.skipIf(missing !== null)(
    "parameters equal and conv+linear MACs within 1% of torchvision's own count",
    () => {
      const r = runPython([path.join(HERE, 'torchvision-counts.py'), '3', '224', '224', '1000', ...MODELS], HERE, 240_000);
      const counts = JSON.parse(r.stdout) as Record<string, { params: number; macs: number }>;
      for (const id of MODELS) {
        const a = analyze(buildTemplate(id));
        expect(a.totals.params, id).toBe(counts[id]!.params);
        expect(Math.abs(a.totals.macs - counts[id]!.macs) / counts[id]!.macs, id).toBeLessThan(0.01);
      }
    },
    300_000,
  );
});

describe.skipIf(missing !== null)('mobile templates reproduce torchvision at 3x64x64', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'cnn-mobile-nets-'));
  const manifests = new Map<string, Manifest>();

  beforeAll(() => {
    runPython([path.join(HERE, 'torchvision-reference.py'), root, ...SMALL.map(String), String(CLASSES), ...MODELS], root, 240_000);
    for (const id of MODELS) manifests.set(id, JSON.parse(readFileSync(path.join(root, id, 'manifest.json'), 'utf8')) as Manifest);
  }, 300_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** torchvision's tensors by the studio's weight names, which must be the same names. */
  function torchvisionWeights(id: string): Map<string, Float32Array> {
    const m = manifests.get(id)!;
    const names = analyze(buildTemplate(id, { input: SMALL, classes: CLASSES })).graph.weights.map((w) => w.name);
    expect(names.sort()).toEqual(Object.keys(m.tensors).sort());
    return new Map(names.map((n) => [n, readF32(path.join(root, id, `${n}.bin`))]));
  }

  it.each(MODELS)("%s: the ONNX export gives torchvision's logits for its weights", async (id) => {
    const m = manifests.get(id)!;
    const doc = buildTemplate(id, { input: SMALL, classes: CLASSES });
    const expected = readF32(path.join(root, id, 'logits.bin'));
    const got = await studioLogits(doc, torchvisionWeights(id), readF32(path.join(root, id, 'input.bin')), m.input);
    const scale = expected.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
    expect(scale).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(got, expected)).toBeLessThan(1e-4 * Math.max(1, scale));
  });

  it.each(MODELS)(
    "%s: the PyTorch export loads torchvision's state dict by name and gives its logits",
    (id) => {
      const dir = path.join(root, `${id}-export`);
      const doc = buildTemplate(id, { input: SMALL, classes: CLASSES });
      writeFiles(dir, exportPytorch(doc, { projectName: id, recipe: TEST_RECIPE, weights: torchvisionWeights(id) }).files);
      const output = path.join(dir, 'logits.bin');
      const job = { id: 0, dir, input: path.join(root, id, 'input.bin'), shape: manifests.get(id)!.input, output };
      writeFileSync(path.join(dir, 'jobs.json'), JSON.stringify([job]));
      writeFileSync(path.join(dir, 'driver.py'), DRIVER);
      runPython(['driver.py', 'jobs.json'], dir, 240_000);
      expect(maxAbsDiff(readF32(output), readF32(path.join(root, id, 'logits.bin')))).toBeLessThan(1e-4);
      const keys = JSON.parse(readFileSync(`${output}.keys.json`, 'utf8')) as string[];
      expect(keys.sort()).toEqual(Object.keys(manifests.get(id)!.tensors).sort());
    },
    120_000,
  );
});
