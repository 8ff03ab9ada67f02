import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from '../../../core/onnx/export';
import { encodeModel } from '../../../core/onnx/proto';
import { withPreprocessing } from '../../../core/quant/preprocess-graph';
import { buildTemplate } from '../../../core/templates/index';

async function logits(model: Parameters<typeof encodeModel>[0], x: ort.Tensor): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(encodeModel(model), { logSeverityLevel: 3 });
  try {
    return (await s.run({ input: x })).logits!.data as Float32Array;
  } finally {
    await s.release();
  }
}

describe('--with-preprocessing', () => {
  it('uint8 NHWC pixels in give the logits of the float model on (p/255 - mean)/std in NCHW', async () => {
    const mean = [0.5, 0.4, 0.3];
    const std = [0.2, 0.25, 0.3];
    const base = exportOnnx(buildTemplate('lenet5', { input: [3, 12, 16], classes: 4 }), { seed: 2 }).model;
    const [n, h, w, c] = [2, 12, 16, 3];
    const pixels = Uint8Array.from({ length: n * h * w * c }, (_, i) => (i * 37) % 256);
    const nchw = new Float32Array(pixels.length);
    for (let b = 0; b < n; b++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++)
          for (let k = 0; k < c; k++) nchw[((b * c + k) * h + y) * w + x] = (pixels[((b * h + y) * w + x) * c + k]! / 255 - mean[k]!) / std[k]!;
    const pre = withPreprocessing(base, mean, std);
    expect(pre.graph.inputs[0]).toMatchObject({ name: 'input', dtype: 'uint8', shape: ['N', 12, 16, 3] });
    const got = await logits(pre, new ort.Tensor('uint8', pixels, [n, h, w, c]));
    const want = await logits(base, new ort.Tensor('float32', nchw, [n, c, h, w]));
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-4);
    expect(() => withPreprocessing(base, [0.5], [0.2])).toThrow(/1 means and 1 stds for 3 channels/);
  });
});
