/**
 * Pins onnxruntime issue 29651 (onnxruntime-node 1.30): WebGPU's default NHWC layout computes some
 * convs wrong (input channels a multiple of 3 other than 3, output channels a multiple of 4), e.g.
 * LeNet-5's 6->16 5x5 conv; with preferredLayout 'NCHW' it computes what the CPU does. The studio
 * therefore runs WebGPU in NCHW (main/providers/layout.ts). If the first assertion fails,
 * onnxruntime fixed the fault and the NCHW workaround can be revisited.
 */
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../../../core/onnx/builder';
import { encodeModel } from '../../../core/onnx/proto';
import { makeModel } from '../../../core/train/build-train-step';
import { mulberry32 } from '../../../core/data/rng';
import { webgpuMissing } from '../../helpers/webgpu';

const X = [4, 6, 14, 14];
const W = [16, 6, 5, 5];

function convModel(): Uint8Array {
  const g = new GraphBuilder('conv6to16');
  g.input('x', 'float32', X);
  g.input('w', 'float32', W);
  g.op('Conv', ['x', 'w'], { kernel_shape: [5, 5] }, { outputNames: ['y'] });
  g.output('y', 'float32', [4, 16, 10, 10]);
  return encodeModel(makeModel(g.build(), 'LeNet-5 conv2'));
}

async function run(provider: ort.InferenceSession.ExecutionProviderConfig, feeds: Record<string, ort.Tensor>): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(convModel(), { executionProviders: [provider], logSeverityLevel: 3 });
  try {
    return (await s.run(feeds)).y!.data as Float32Array;
  } finally {
    await s.release();
  }
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

describe.skipIf(webgpuMissing !== null)('WebGPU NHWC conv fault (onnxruntime issue 29651)', () => {
  it('6->16 conv: NHWC differs from the CPU, NCHW matches it', async () => {
    const r = mulberry32(29651);
    const fill = (n: number) => Float32Array.from({ length: n }, () => r() * 2 - 1);
    const feeds = { x: new ort.Tensor('float32', fill(4 * 6 * 14 * 14), X), w: new ort.Tensor('float32', fill(16 * 6 * 25), W) };
    const cpu = await run('cpu', feeds);
    const nhwc = await run({ name: 'webgpu', preferredLayout: 'NHWC' } as ort.InferenceSession.ExecutionProviderConfig, feeds);
    const nchw = await run({ name: 'webgpu', preferredLayout: 'NCHW' } as ort.InferenceSession.ExecutionProviderConfig, feeds);
    expect(
      maxDiff(nhwc, cpu),
      'WebGPU NHWC now matches the CPU: onnxruntime fixed issue 29651, the NCHW workaround (main/providers/layout.ts) can be revisited',
    ).toBeGreaterThan(1e-3);
    expect(maxDiff(nchw, cpu)).toBeLessThan(1e-5);
  });
});
