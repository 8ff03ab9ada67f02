/**
 * torchvision's ONNX exports of the mobile nets (made by torchvision-onnx.py with python3-torch)
 * import as the studio's blocks, with no generic "ONNX op" blocks, keep torchvision's module
 * names, and re-export to the same logits. MobileNetV2's inverted residuals come back as MBConv
 * blocks (batch norm folded, as the export writes them).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../../core/graph/analyze';
import { seededRandom } from '../../../core/graph/init';
import { exportOnnx } from '../../../core/onnx/export';
import { importOnnx } from '../../../core/onnx/import';
import { decodeModel, encodeModel } from '../../../core/onnx/proto';
import { runPython, torchMissing } from '../../export-pytorch/helpers';
import { maxAbsDiff } from '../../onnx/fixture-data';
import { runOnnx } from '../../onnx/ort';

const MODELS = ['mobilenet_v2', 'mobilenet_v3_small', 'efficientnet_b0'];
const HERE = path.dirname(new URL(import.meta.url).pathname);
const missing = torchMissing();
if (missing) console.warn(`skipping the torchvision ONNX import tests: ${missing}`);

describe.skipIf(missing !== null)("importing torchvision's mobile nets", () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'cnn-mobile-onnx-'));
  beforeAll(() => {
    runPython([path.join(HERE, 'torchvision-onnx.py'), root, '3', '64', '64', '5', ...MODELS], root, 240_000);
  }, 300_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each(MODELS)(
    '%s: studio blocks only, torchvision names, the same logits after re-export',
    async (id) => {
      const bytes = new Uint8Array(readFileSync(path.join(root, `${id}.onnx`)));
      const imported = importOnnx(decodeModel(bytes));
      const doc = imported.document;
      expect(analyze(doc).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const types = [...doc.nodes, ...doc.groups.flatMap((g) => g.nodes)].map((n) => n.type);
      expect(types).not.toContain('onnx-op');
      expect(doc.nodes.some((n) => n.name.startsWith('features.1'))).toBe(true);
      const random = seededRandom(4);
      const x = { shape: [2, 3, 64, 64], data: Float32Array.from({ length: 2 * 3 * 64 * 64 }, () => random() * 2 - 1) };
      const re = exportOnnx(doc, { weights: imported.weights });
      const a = await runOnnx(bytes, x);
      const b = await runOnnx(encodeModel(re.model), x);
      expect(maxAbsDiff(a.logits!, b.logits!)).toBeLessThan(1e-4);
    },
    120_000,
  );

  it("MobileNetV2's seventeen inverted residuals come back as MBConv blocks named features.1 … features.17", () => {
    const doc = importOnnx(decodeModel(new Uint8Array(readFileSync(path.join(root, 'mobilenet_v2.onnx'))))).document;
    const blocks = doc.nodes.filter((n) => n.type === 'mbconv');
    expect(blocks.map((n) => n.name).sort()).toEqual(Array.from({ length: 17 }, (_, i) => `features.${i + 1}`).sort());
    expect(doc.nodes.find((n) => n.name === 'features.2')!.params).toMatchObject({
      filters: 24,
      expandedChannels: 96,
      stride: 2,
      batchNorm: false,
      layout: 'mobilenet_v2',
    });
    expect(doc.nodes.find((n) => n.name === 'features.1')!.params).toMatchObject({ filters: 16, expansion: 1 });
  });
});
