/**
 * The fixtures' PyTorch models, drawn with our blocks: same parameter count, same weight names
 * (after toFixtureName) and shapes; and the emitted ONNX forward pass, run in onnxruntime with the
 * fixture's weights, reproduces PyTorch's logits in eval mode and in train mode (batch statistics,
 * running-stat updates).
 */
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { analyze } from '../../../core/graph/analyze';
import { emitForward } from '../../../core/graph/emit';
import { GraphBuilder } from '../../../core/onnx/builder';
import { encodeModel } from '../../../core/onnx/proto';
import { FIXTURE_MODELS, FIXTURES_DIR, loadManifest, readTensor, toFixtureName } from '../../helpers/fixture-models';

const index = JSON.parse(readFileSync(path.join(FIXTURES_DIR, 'index.json'), 'utf8')) as { model: string; param_count: number }[];

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe.each(index.map((e) => [e.model, e.param_count] as const))('fixture %s', (name, paramCount) => {
  const manifest = loadManifest(name);
  const a = analyze(FIXTURE_MODELS[name]!());

  it('is valid and has the same parameter count', () => {
    expect(a.diagnostics).toEqual([]);
    expect(a.totals.params).toBe(paramCount);
    expect(manifest.param_count).toBe(paramCount);
  });

  it('has the same weight names and shapes', () => {
    const ours = Object.fromEntries(a.graph.weights.map((w) => [toFixtureName(w.name), w.shape]));
    const theirs = Object.fromEntries(
      Object.entries(manifest.params)
        .filter(([k]) => !k.endsWith('num_batches_tracked'))
        .map(([k, v]) => [k, v.shape]),
    );
    expect(ours).toEqual(theirs);
  });

  for (const training of [false, true]) {
    it(`reproduces PyTorch's ${training ? 'train-mode' : 'eval'} logits in onnxruntime`, async () => {
      const g = new GraphBuilder(name);
      for (const w of a.graph.weights) g.initializer(w.name, 'float32', w.shape, readTensor(name, manifest.params[toFixtureName(w.name)]!), true);
      const fwd = emitForward(a.graph, g, null, { training });
      const out = fwd.outputs[0]!;
      g.output(out.value, 'float32', out.shape);
      for (const u of fwd.stateUpdates) g.output(u.value, 'float32', a.graph.weights.find((w) => w.name === u.weight)!.shape);
      const bytes = encodeModel({
        irVersion: 8,
        opsetImports: [{ domain: '', version: 17 }],
        producerName: 'test',
        producerVersion: '0',
        graph: g.build(),
        metadata: {},
      });
      const session = await ort.InferenceSession.create(bytes);
      const x = readTensor(name, manifest.input);
      const result = await session.run({ [fwd.inputs[0]!.value]: new ort.Tensor('float32', x, manifest.input.shape) });
      const logits = result[out.value]!.data as Float32Array;
      const want = readTensor(name, training ? manifest.train_step.logits : manifest.eval_logits);
      expect(maxAbsDiff(logits, want)).toBeLessThan(2e-4);
      if (training) {
        expect(fwd.stateUpdates.length).toBe(Object.keys(manifest.train_step.buffers_after).length);
        for (const u of fwd.stateUpdates) {
          const got = result[u.value]!.data as Float32Array;
          expect(maxAbsDiff(got, readTensor(name, manifest.train_step.buffers_after[toFixtureName(u.weight)]!)), u.weight).toBeLessThan(1e-4);
        }
      }
    });
  }
});
