/**
 * An fp16 export (core/quant/fp16.ts) on WebGPU agrees with the fp32 export on the CPU: the same
 * top-1 class and logits within fp16's precision. Skipped, with the reason, where WebGPU does not
 * load (no Vulkan driver: a GPU's or Mesa's lavapipe).
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from '../../../core/onnx/export';
import { encodeModel } from '../../../core/onnx/proto';
import { convertToFloat16 } from '../../../core/quant/fp16';
import { buildTemplate } from '../../../core/templates/index';
import { openSession } from '../../../main/deploy/report';
import { providerConfig } from '../../../main/providers/layout';
import { webgpuMissing } from '../../helpers/webgpu';

function argmax(row: Float32Array): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
}

describe.skipIf(webgpuMissing !== null)('fp16 export on WebGPU', () => {
  it('LeNet-5 (every node on WebGPU): logits within 1% of the largest fp32 logit, same top-1 class', async () => {
    const fp32 = exportOnnx(buildTemplate('lenet5', { input: [1, 28, 28], classes: 10 }), { seed: 3 }).model;
    const batch = 4;
    const x = new ort.Tensor(
      'float32',
      Float32Array.from({ length: batch * 784 }, (_, i) => Math.sin(i * 0.37)),
      [batch, 1, 28, 28],
    );
    const cpu = await openSession(encodeModel(fp32), 'cpu', 1);
    // No CPU fallback: every node of the half model runs on WebGPU, or the session fails.
    const gpu = await ort.InferenceSession.create(encodeModel(convertToFloat16(fp32)), {
      executionProviders: [providerConfig('webgpu') as ort.InferenceSession.ExecutionProviderConfig],
      logSeverityLevel: 3,
      extra: { session: { disable_cpu_ep_fallback: '1' } },
    });
    try {
      const want = (await cpu.run({ input: x })).logits!.data as Float32Array;
      const got = (await gpu.run({ input: x })).logits!.data as Float32Array;
      const scale = Math.max(...want.map(Math.abs));
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
      expect(worst).toBeLessThan(1e-2 * scale);
      for (let b = 0; b < batch; b++) expect(argmax(got.subarray(b * 10, b * 10 + 10))).toBe(argmax(want.subarray(b * 10, b * 10 + 10)));
    } finally {
      await cpu.release();
      await gpu.release();
    }
  }, 300_000);
});
