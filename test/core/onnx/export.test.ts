import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportOnnx, ExportError } from '../../../core/onnx/export';
import { encodeModel, decodeModel } from '../../../core/onnx/proto';
import { readMetadata } from '../../../core/onnx/metadata';
import { STUDIO_VERSION } from '../../../core/version';
import { FIXTURE_MODELS as FIXTURE_DOCS, toFixtureName } from '../../helpers/fixture-models';
import { FIXTURE_MODELS, loadFixture, maxAbsDiff, type FixtureModel } from '../../helpers/fixture-onnx';
import { runOnnx } from '../../helpers/run-onnx';
import { tempDir } from '../../helpers/temp-dir';

const tmp = tempDir('cnn-export-');

/** The fixture's PyTorch parameters under the studio's weight names. */
export function fixtureWeights(name: FixtureModel, names: string[]): Map<string, Float32Array> {
  const fx = loadFixture(name);
  const out = new Map<string, Float32Array>();
  for (const n of names) {
    const t = fx.params.get(toFixtureName(n));
    if (t) out.set(n, t.data);
  }
  return out;
}

function exportFixture(name: FixtureModel, foldBatchNorm = false) {
  const doc = FIXTURE_DOCS[name]!();
  const probe = exportOnnx(doc);
  const names = probe.initialized;
  const weights = fixtureWeights(name, names);
  return exportOnnx(doc, { weights, foldBatchNorm, modelName: name, classNames: Array.from({ length: 10 }, (_, i) => `digit ${i}`) });
}

const python = '/usr/bin/python3';
const hasOnnx = spawnSync(python, ['-c', 'import onnx'], { encoding: 'utf8' }).status === 0;

describe('export: fixtures built from blocks reproduce PyTorch', () => {
  for (const name of FIXTURE_MODELS) {
    it(`${name}: eval logits within 1e-4, with and without folded batch norm`, async () => {
      const fx = loadFixture(name);
      for (const fold of [false, true]) {
        const res = exportFixture(name, fold);
        expect(res.initialized, 'every weight comes from the fixture').toEqual([]);
        const bytes = encodeModel(res.model);
        const out = await runOnnx(bytes, fx.input);
        const err = maxAbsDiff(out.logits!, fx.evalLogits.data);
        console.log(`${name}${fold ? ' (folded BN)' : ''}: max |logit - PyTorch| = ${err.toExponential(2)}`);
        expect(err).toBeLessThan(1e-4);
        // probabilities = softmax(logits), rows sum to 1
        const probs = out.probabilities!;
        for (let r = 0; r < 8; r++) expect(probs.subarray(r * 10, r * 10 + 10).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        if (!fold) writeFileSync(path.join(tmp, `${name}.onnx`), bytes);
      }
    });
  }

  it('metadata, names, dynamic batch and graph interface', async () => {
    const res = exportFixture('resnet_mini');
    const m = decodeModel(encodeModel(res.model));
    expect(m.graph.inputs.map((i) => [i.name, i.shape])).toEqual([['input', ['N', 3, 32, 32]]]);
    expect(m.graph.outputs.map((o) => [o.name, o.shape])).toEqual([
      ['logits', ['N', 10]],
      ['probabilities', ['N', 10]],
    ]);
    expect(m.opsetImports).toEqual([{ domain: '', version: 17 }]);
    const md = readMetadata(m);
    expect(md).toMatchObject({ modelName: 'resnet_mini', inputSize: [3, 32, 32], colorMode: 'rgb', studioVersion: STUDIO_VERSION, fromStudio: true });
    expect(md.classNames[3]).toBe('digit 3');
    expect(m.graph.nodes.some((n) => n.name === 'layer2.conv1/Conv')).toBe(true);
    expect(m.graph.nodes.filter((n) => n.opType === 'BatchNormalization').length).toBeGreaterThan(0);
    const folded = exportFixture('resnet_mini', true).model;
    expect(folded.graph.nodes.filter((n) => n.opType === 'BatchNormalization')).toHaveLength(0);
    // batch 1 gives the same row as batch 8
    const fx = loadFixture('resnet_mini');
    const one = await runOnnx(encodeModel(res.model), { shape: [1, 3, 32, 32], data: fx.input.data.subarray(0, 3 * 32 * 32) });
    expect(maxAbsDiff(one.logits!, fx.evalLogits.data.subarray(0, 10))).toBeLessThan(1e-4);
  });

  it('newer opsets load and agree; bad ones are refused', async () => {
    const doc = FIXTURE_DOCS.googlenet_mini!();
    const base = await runOnnx(encodeModel(exportOnnx(doc).model), loadFixture('googlenet_mini').input);
    for (const opset of [11, 13, 18, 21, 26]) {
      const out = await runOnnx(encodeModel(exportOnnx(doc, { opset }).model), loadFixture('googlenet_mini').input);
      expect(maxAbsDiff(out.logits!, base.logits!)).toBeLessThan(1e-6);
    }
    expect(() => exportOnnx(doc, { opset: 10 })).toThrow(ExportError);
    expect(() => exportOnnx(doc, { opset: 99 })).toThrow(/opset 99/);
  });

  it('fresh initialisation is reproducible by seed; a wrong-sized checkpoint weight is named', () => {
    const doc = FIXTURE_DOCS.lenet5!();
    const a = exportOnnx(doc, { seed: 3 }).model.graph.initializers;
    const b = exportOnnx(doc, { seed: 3 }).model.graph.initializers;
    expect(a.map((t) => Array.from(t.data.slice(0, 4) as Float32Array))).toEqual(b.map((t) => Array.from(t.data.slice(0, 4) as Float32Array)));
    expect(() => exportOnnx(doc, { weights: { 'conv1.weight': new Float32Array(3) } })).toThrow(/"conv1.weight" has 3 values.*\[6, 1, 5, 5\]/);
  });

  it.skipIf(!hasOnnx)('onnx.checker.check_model(full_check=True) accepts every opset-17 export', () => {
    const files = FIXTURE_MODELS.map((n) => path.join(tmp, `${n}.onnx`));
    const script = 'import onnx, sys\nfor f in sys.argv[1:]:\n    onnx.checker.check_model(onnx.load(f), full_check=True)\n    print("ok", f)';
    const r = spawnSync(python, ['-c', script, ...files], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n')).toHaveLength(files.length);
  });
  if (!hasOnnx) it.skip('onnx.checker: skipped because /usr/bin/python3 cannot import onnx (apt-get install python3-onnx)', () => undefined);
});
