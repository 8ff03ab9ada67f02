import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../core/graph/analyze';
import { exportOnnx } from '../../core/onnx/export';
import { importOnnx } from '../../core/onnx/import';
import { decodeModel, encodeModel } from '../../core/onnx/proto';
import { FIXTURE_MODELS as FIXTURE_DOCS } from '../core/fixture-models';
import { FIXTURE_MODELS, loadFixture, maxAbsDiff } from './fixture-data';
import { onnxParamCount } from './param-count';
import { runOnnx } from './ort';

describe('import: PyTorch exports become editable documents that re-export identically', () => {
  for (const name of FIXTURE_MODELS) {
    it(`${name}: import -> export keeps parameter count and logits (1e-5)`, async () => {
      const fx = loadFixture(name);
      const original = decodeModel(new Uint8Array(readFileSync(fx.onnxPath)));
      const imported = importOnnx(original);
      const analysis = analyze(imported.document);
      expect(analysis.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(imported.document.nodes.filter((n) => n.type === 'onnx-op')).toEqual([]);
      const re = exportOnnx(imported.document, { weights: imported.weights });
      expect(re.initialized).toEqual([]);
      expect(onnxParamCount(re.model)).toBe(onnxParamCount(original));
      expect(analysis.totals.params).toBe(onnxParamCount(original));
      const out = await runOnnx(encodeModel(re.model), fx.input);
      const err = maxAbsDiff(out.logits!, fx.evalLogits.data);
      console.log(`${name}: ${imported.document.nodes.length} blocks, ${onnxParamCount(original)} params, max |re-exported - PyTorch| = ${err.toExponential(2)}`);
      expect(err).toBeLessThan(1e-5);
    });
  }

  it('a studio export imports back to the same blocks, names and weights', async () => {
    const doc = FIXTURE_DOCS.resnet_mini!();
    const first = exportOnnx(doc, { seed: 7, classNames: Array.from({ length: 10 }, (_, i) => `c${i}`), mean: [0.4, 0.5, 0.6], std: [0.2, 0.2, 0.2] });
    const back = importOnnx(decodeModel(encodeModel(first.model)));
    expect(back.metadata.classNames[9]).toBe('c9');
    expect(back.metadata.mean).toEqual([0.4, 0.5, 0.6]);
    const firstWeights = new Map(first.model.graph.initializers.map((t) => [t.name, t.data as Float32Array]));
    for (const [k, v] of back.weights) expect(v, k).toEqual(firstWeights.get(k));
    const again = exportOnnx(back.document, { weights: back.weights });
    expect(again.initialized).toEqual([]);
    const fx = loadFixture('resnet_mini');
    const a = await runOnnx(encodeModel(first.model), fx.input);
    const b = await runOnnx(encodeModel(again.model), fx.input);
    expect(maxAbsDiff(a.logits!, b.logits!)).toBeLessThan(1e-6);
  });

  it('lays the graph out in rows: branches side by side, every node below its inputs', () => {
    const imported = importOnnx(decodeModel(new Uint8Array(readFileSync(loadFixture('googlenet_mini').onnxPath))));
    const pos = new Map(imported.document.nodes.map((n) => [n.id, n.position]));
    for (const e of imported.document.edges) expect(pos.get(e.to.node)!.y).toBeGreaterThan(pos.get(e.from.node)!.y);
    const rows = new Map<number, number>();
    for (const p of pos.values()) rows.set(p.y, (rows.get(p.y) ?? 0) + 1);
    expect(Math.max(...rows.values())).toBe(4); // the four inception branches
  });
});
