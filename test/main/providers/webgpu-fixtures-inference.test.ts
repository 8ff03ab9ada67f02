/**
 * The six fixture models' eval graphs on WebGPU (built for it: labels one-hot, no int64 ops)
 * against PyTorch's eval-mode logits, with the tolerance of the CPU test (test/core/train/fixtures-train.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { buildEvalGraph } from '../../../core/train/build-eval';
import { buildForProvider } from '../../../main/providers/graph-target';
import { createSession, f32, labelTensor } from '../../../main/trainer/ort-session';
import { buildFixtureGraph } from '../../helpers/fixture-graphs';
import { compare, Fixture, FIXTURE_MODELS } from '../../helpers/fixture-tensors';
import { opCache, webgpuMissing } from '../../helpers/webgpu';

const RTOL = 1e-4;
const ATOL = 1e-6;

describe.skipIf(webgpuMissing !== null)('fixture inference on WebGPU', () => {
  it.each(FIXTURE_MODELS)('%s: eval logits match PyTorch', async (model) => {
    const fx = new Fixture(model);
    const m = fx.manifest;
    const batch = m.input.shape[0]!;
    const fg = buildFixtureGraph(fx);
    const built = await buildForProvider(
      'webgpu',
      (target) => buildEvalGraph({ graph: fg.graph, input: fg.input, logits: fg.logits, weightInputs: [] }, { batchSize: batch, target }),
      (e) => e.model,
      { cache: await opCache() },
    );
    // Every node of the eval graph runs on WebGPU.
    expect(built.cpuFallbackNodes).toEqual([]);
    const ev = built.graph;
    expect(ev.labelFormat).toBe('onehot');
    const s = await createSession(ev.model, { device: 'webgpu', cpuFallback: false });
    try {
      const out = await s.run({ [ev.images]: f32(fx.f32(m.input), m.input.shape), [ev.labels]: labelTensor(ev.labelFormat, fx.i64(m.labels), 10) });
      const c = compare(out[ev.logits]!.data as Float32Array, fx.f32(m.eval_logits), RTOL, ATOL);
      expect(c.bad, `${model} logits: maxAbs ${c.maxAbs} maxRel ${c.maxRel}`).toBe(0);
    } finally {
      await s.release();
    }
  });
});
