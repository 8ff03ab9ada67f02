/**
 * torchvision's ONNX exports of the mobile nets (made by torchvision-onnx.py with python3-torch)
 * import as the studio's blocks, with no generic "ONNX op" blocks, keep torchvision's module
 * names, and re-export to the same logits. Every inverted residual comes back as an MBConv
 * block (batch norm folded, as the export writes them), its squeeze-excite inside it.
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

  const importedDoc = (id: string) => importOnnx(decodeModel(new Uint8Array(readFileSync(path.join(root, `${id}.onnx`))))).document;

  it.each([
    ['mobilenet_v2', Array.from({ length: 17 }, (_, i) => `features.${i + 1}`)],
    ['mobilenet_v3_small', Array.from({ length: 11 }, (_, i) => `features.${i + 1}`)],
    ['efficientnet_b0', B0_BLOCKS],
  ])('%s: every inverted residual comes back as an MBConv block under its torchvision name', (id, names) => {
    const doc = importedDoc(id);
    expect(
      doc.nodes
        .filter((n) => n.type === 'mbconv')
        .map((n) => n.name)
        .sort(),
    ).toEqual([...names].sort());
    expect(doc.groups).toEqual([]);
  });

  it('reads the parameters back: widths, stride, kernel, SE, activation, layout, folded batch norm', () => {
    const v2 = importedDoc('mobilenet_v2');
    expect(v2.nodes.find((n) => n.name === 'features.2')!.params).toMatchObject({
      filters: 24,
      expandedChannels: 96,
      stride: 2,
      batchNorm: false,
      layout: 'mobilenet_v2',
    });
    expect(v2.nodes.find((n) => n.name === 'features.1')!.params).toMatchObject({ filters: 16, expansion: 1 });
    const v3 = importedDoc('mobilenet_v3_small');
    expect(v3.nodes.find((n) => n.name === 'features.4')!.params).toMatchObject({
      filters: 40,
      expandedChannels: 96,
      kernel: 5,
      stride: 2,
      se: true,
      activation: 'hardswish',
      layout: 'mobilenet_v3',
    });
    const b0 = importedDoc('efficientnet_b0');
    expect(b0.nodes.find((n) => n.name === 'features.3.1')!.params).toMatchObject({
      filters: 40,
      expandedChannels: 240,
      kernel: 5,
      se: true,
      activation: 'silu',
      layout: 'efficientnet',
    });
  });
});

/** EfficientNet-B0's blocks: features.<stage>.<i> for stages of 1, 2, 2, 3, 3, 4, 1 blocks. */
const B0_BLOCKS = [1, 2, 2, 3, 3, 4, 1].flatMap((n, s) => Array.from({ length: n }, (_, i) => `features.${s + 1}.${i}`));
