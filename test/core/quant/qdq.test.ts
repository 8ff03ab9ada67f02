import { describe, expect, it } from 'vitest';
import { exportOnnx } from '../../../core/onnx/export';
import { planQdq, quantizeQdq } from '../../../core/quant/qdq';
import { buildTemplate } from '../../../core/templates/index';

const resnet = () => exportOnnx(buildTemplate('resnet18', { input: [3, 32, 32], classes: 10 }), { foldBatchNorm: true, seed: 1 }).model;

describe('QDQ placement', () => {
  it('a Relu carries the pair of the conv before it; layout ops share their input parameters; outputs stay float', () => {
    const m = resnet();
    const plan = planQdq(m);
    expect(plan.quantized).toContain('input');
    expect(plan.quantized).toContain('relu/Relu_out');
    expect(plan.quantized).not.toContain('conv1/Conv_out'); // read only by relu
    expect(plan.quantized).toContain('layer1.0.conv2/Conv_out'); // read by Add
    expect(plan.sharesParamsOf.get('maxpool/MaxPool_out')).toBe('relu/Relu_out');
    expect(plan.sharesParamsOf.get('avgpool/Flatten_out')).toBe('avgpool/GlobalAveragePool_out');
    expect(plan.quantized).not.toContain('logits');
    expect(plan.toCalibrate).not.toContain('maxpool/MaxPool_out');
  });

  it("keeps a conv with short dot products (LeNet-5's 1 x 5 x 5 conv1) float, with no pair in front of it", () => {
    const m = exportOnnx(buildTemplate('lenet5', { input: [1, 28, 28], classes: 10 }), { seed: 1 }).model;
    const plan = planQdq(m);
    expect(plan.quantized).not.toContain('input');
    const q = quantizeQdq(m, new Map(plan.toCalibrate.map((t) => [t, { min: 0, max: 1 }])));
    const conv1 = q.graph.nodes.find((n) => n.name.startsWith('conv1'))!;
    expect(conv1.inputs).toEqual(['input', 'conv1.weight', 'conv1.bias']);
    expect(q.graph.nodes.filter((n) => n.opType === 'DequantizeLinear' && n.inputs[0] === 'conv2.weight_quantized')).toHaveLength(1);
  });

  it('rewrites every conv and gemm to int8 weights, int32 biases and dequantized activations', () => {
    const m = resnet();
    const ranges = new Map(planQdq(m).toCalibrate.map((t) => [t, { min: -1, max: 1 }]));
    const q = quantizeQdq(m, ranges);
    const init = new Map(q.graph.initializers.map((t) => [t.name, t]));
    const producer = new Map(q.graph.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
    const layers = q.graph.nodes.filter((n) => n.opType === 'Conv' || n.opType === 'Gemm');
    expect(layers).toHaveLength(21);
    for (const n of layers) {
      const [x, w, b] = n.inputs.map((i) => producer.get(i)!);
      expect([x!.opType, w!.opType, b!.opType]).toEqual(['DequantizeLinear', 'DequantizeLinear', 'DequantizeLinear']);
      expect(init.get(w!.inputs[0]!)!.dtype).toBe('int8');
      expect(init.get(b!.inputs[0]!)!.dtype).toBe('int32');
    }
    // No float weight is left behind.
    expect(q.graph.initializers.filter((t) => t.dtype === 'float32' && t.dims.length > 1)).toEqual([]);
    expect(() => quantizeQdq(m, new Map())).toThrow(/no calibration range for tensor "input"/);
    expect(() => quantizeQdq({ ...m, opsetImports: [{ domain: '', version: 11 }] }, ranges)).toThrow(/needs opset 13 or later/);
  });
});
