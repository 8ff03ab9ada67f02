import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../core/graph/analyze';
import { exportOnnx } from '../../../core/onnx/export';
import { importOnnx } from '../../../core/onnx/import';
import { decodeModel, encodeModel } from '../../../core/onnx/proto';
import { FIXTURE_MODELS as FIXTURE_DOCS } from '../../helpers/fixture-models';
import { FIXTURE_MODELS, loadFixture, maxAbsDiff } from '../../helpers/fixture-onnx';
import { onnxParamCount } from '../../helpers/onnx-param-count';
import { runOnnx } from '../../helpers/run-onnx';

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
      console.log(
        `${name}: ${imported.document.nodes.length} blocks, ${onnxParamCount(original)} params, max |re-exported - PyTorch| = ${err.toExponential(2)}`,
      );
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
    expect(back.document.nodes.map((n) => `${n.name}:${n.type}`).sort()).toEqual(doc.nodes.map((n) => `${n.name}:${n.type}`).sort());
    const again = exportOnnx(back.document, { weights: back.weights });
    expect(again.initialized).toEqual([]);
    const fx = loadFixture('resnet_mini');
    const a = await runOnnx(encodeModel(first.model), fx.input);
    const b = await runOnnx(encodeModel(again.model), fx.input);
    expect(maxAbsDiff(a.logits!, b.logits!)).toBeLessThan(1e-6);
  });

  it('recovers inception modules and residual units as groups, laid out in rows', () => {
    const g = importOnnx(decodeModel(new Uint8Array(readFileSync(loadFixture('googlenet_mini').onnxPath))));
    expect(g.modules.sort()).toEqual(['inc3a', 'inc4a']);
    expect(g.document.nodes.map((n) => `${n.name}:${n.type}`)).toEqual([
      'input:input',
      'stem.conv:conv2d',
      'stem.relu:relu',
      'pool3:maxpool2d',
      'globalaveragepool:globalavgpool',
      'fc:output',
      'inc3a:group',
      'inc4a:group',
    ]);
    const inc = g.document.groups.find((d) => d.name === 'inc3a')!;
    expect(inc.nodes.map((n) => n.name)).toContain('b2.1.conv');
    // every node below its inputs, the four branches side by side inside the module
    for (const graph of [g.document, inc]) {
      const pos = new Map(graph.nodes.map((n) => [n.id, n.position]));
      for (const e of graph.edges) if (pos.has(e.from.node) && pos.has(e.to.node)) expect(pos.get(e.to.node)!.y).toBeGreaterThan(pos.get(e.from.node)!.y);
    }
    const rows = new Map<number, number>();
    for (const n of inc.nodes) rows.set(n.position.y, (rows.get(n.position.y) ?? 0) + 1);
    expect(Math.max(...rows.values())).toBe(4);

    const r = importOnnx(decodeModel(new Uint8Array(readFileSync(loadFixture('resnet_mini').onnxPath))));
    expect(r.modules.sort()).toEqual(['layer1', 'layer2', 'layer3']);
    expect(
      r.document.groups
        .find((d) => d.name === 'layer2')!
        .nodes.map((n) => n.name)
        .sort(),
    ).toEqual(['add', 'conv1', 'conv2', 'downsample.0', 'relu', 'relu_1']);
    // a studio export (batch norm kept) groups the same way
    const studioDoc = FIXTURE_DOCS.resnet_mini!();
    const studioExport = exportOnnx(studioDoc, { seed: 5 });
    const studio = importOnnx(decodeModel(encodeModel(studioExport.model)));
    expect(studio.modules.sort()).toEqual(['layer1', 'layer2', 'layer3']);
    // ... and batch norm kept, they are exactly the studio's Residual blocks again
    expect(studio.composites.sort()).toEqual(['layer1 (residual)', 'layer2 (residual)', 'layer3 (residual)']);
    expect(studio.document.nodes.map((n) => `${n.name}:${n.type}`).sort()).toEqual(studioDoc.nodes.map((n) => `${n.name}:${n.type}`).sort());
    expect(studio.document.nodes.find((n) => n.name === 'layer3')!.params).toMatchObject({ variant: 'bottleneck', planes: 8, stride: 2 });
    const gDoc = FIXTURE_DOCS.googlenet_mini!();
    const gBack = importOnnx(decodeModel(encodeModel(exportOnnx(gDoc).model)));
    expect(gBack.composites.sort()).toEqual(['inc3a (inception)', 'inc4a (inception)']);
    // Dropout is an Identity at inference, so it is the one block an export cannot carry.
    expect(gBack.document.nodes.map((n) => `${n.name}:${n.type}`).sort()).toEqual(
      gDoc.nodes
        .filter((n) => n.type !== 'dropout')
        .map((n) => `${n.name}:${n.type}`)
        .sort(),
    );
    const flat = importOnnx(decodeModel(new Uint8Array(readFileSync(loadFixture('resnet_mini').onnxPath))), { recoverModules: false });
    expect(flat.document.groups).toEqual([]);
  });
});
