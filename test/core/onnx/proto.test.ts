import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../../../core/onnx/proto';
import { FIXTURE_MODELS, loadFixture, maxAbsDiff } from '../../helpers/fixture-onnx';
import { runOnnx } from '../../helpers/run-onnx';

describe('ONNX protobuf round trip', () => {
  for (const name of FIXTURE_MODELS) {
    it(`${name}: decode -> encode keeps the model and its logits`, async () => {
      const fx = loadFixture(name);
      const original = new Uint8Array(readFileSync(fx.onnxPath));
      const model = decodeModel(original);
      expect(model.graph.nodes.length).toBeGreaterThan(0);
      const reencoded = encodeModel(model);
      const again = decodeModel(reencoded);
      expect(again.graph.nodes.map((n) => n.opType)).toEqual(model.graph.nodes.map((n) => n.opType));
      expect(again.graph.initializers.map((t) => t.name)).toEqual(model.graph.initializers.map((t) => t.name));

      const a = await runOnnx(original, fx.input);
      const b = await runOnnx(reencoded, fx.input);
      const outName = model.graph.outputs[0]!.name;
      expect(maxAbsDiff(a[outName]!, fx.evalLogits.data)).toBeLessThan(1e-5);
      expect(maxAbsDiff(b[outName]!, fx.evalLogits.data)).toBeLessThan(1e-5);
    });
  }
});
