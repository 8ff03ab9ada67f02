import { describe, expect, it } from 'vitest';
import { buildGradCamGraph, classSeed, convLayers, ExplainError, gradCamHeatmap, logitsValue, pickConvLayer, softmax } from '../../../core/explain/grad-cam';
import { blendOverlay, heatColor, overlayScale, upsampleBilinear } from '../../../core/explain/overlay';
import { exportOnnx } from '../../../core/onnx/export';
import { buildTemplate } from '../../../core/templates/index';

const lenet = () => exportOnnx(buildTemplate('lenet5', { input: [1, 32, 32], classes: 4 }), {}).model;

describe('Grad-CAM map', () => {
  it('is ReLU of the activations weighted by the spatial mean of their gradients', () => {
    // Channel 0: alpha = mean(1, 1) = 1; channel 1: alpha = mean(-2, 0) = -1.
    // 1 * [1, 2] - 1 * [3, -1] = [-2, 3] -> ReLU -> [0, 3].
    const a = [1, 2, 3, -1];
    const g = [1, 1, -2, 0];
    expect(gradCamHeatmap(a, g, [2, 1, 2])).toEqual([[0, 3]]);
  });

  it('refuses maps of the wrong size', () => {
    expect(() => gradCamHeatmap([1, 2, 3], [1, 2, 3], [2, 1, 2])).toThrow(/expected 4 values/);
  });

  it('softmax sums to one and keeps the order', () => {
    const p = softmax([1000, 1001, 999]);
    expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    expect(p[1]).toBeGreaterThan(p[0]!);
    expect(p[0]).toBeGreaterThan(p[2]!);
  });
});

describe('Grad-CAM layers and classes', () => {
  it('lists conv layers by block name and defaults to the last', () => {
    const m = lenet();
    expect(convLayers(m).map((c) => c.name)).toEqual(['conv1', 'conv2']);
    expect(pickConvLayer(m, undefined).name).toBe('conv2');
    expect(logitsValue(m)).toBe('logits');
  });

  it('names the valid layers for an unknown one', () => {
    expect(() => pickConvLayer(lenet(), 'conv9')).toThrow(new ExplainError('the model has no layer "conv9"; its conv layers are: conv1, conv2'));
  });

  it('says when a layer is not a conv layer', () => {
    expect(() => pickConvLayer(lenet(), 'fc1')).toThrow(/layer "fc1" is a Gemm layer, not a conv layer; Grad-CAM needs a conv layer: conv1, conv2/);
    expect(() => pickConvLayer(lenet(), 'pool1')).toThrow(/is a MaxPool layer/);
  });

  it('checks the class range', () => {
    expect(() => classSeed(4, 4)).toThrow(/class 4 is out of range: the model has 4 classes \(0 to 3\)/);
    expect(() => classSeed(-1, 4)).toThrow(/out of range/);
    expect(Array.from(classSeed(2, 4))).toEqual([0, 0, 1, 0]);
  });

  it('builds a graph whose outputs are the activation, its gradient and the logits', () => {
    const cam = buildGradCamGraph(lenet(), 'conv1');
    expect(cam.layerShape).toEqual([6, 28, 28]);
    expect(cam.classes).toBe(4);
    expect(cam.model.graph.outputs.map((o) => o.name)).toEqual([cam.activation, cam.gradient, cam.logits]);
    expect(cam.model.graph.inputs.map((i) => i.name)).toEqual(['input', 'class_seed']);
    // The backward pass runs from the logits down to conv1's output, not into the weights.
    expect(cam.model.graph.nodes.some((n) => n.name.startsWith('grad/conv2'))).toBe(true);
    expect(cam.model.graph.nodes.some((n) => n.name.startsWith('grad/conv1'))).toBe(false);
  });
});

describe('Grad-CAM on a model with open height and width', () => {
  it('binds them from the stored input size', () => {
    const m = lenet();
    m.graph.inputs[0]!.shape = ['N', 1, 'H', 'W'];
    expect(buildGradCamGraph(m, 'conv1').layerShape).toEqual([6, 28, 28]);
  });
});

describe('Grad-CAM overlay', () => {
  it('upsamples at pixel centres (a constant stays constant, a step is interpolated)', () => {
    expect(Array.from(upsampleBilinear([[2, 2]], 2, 4))).toEqual(new Array(8).fill(2));
    // 1x2 -> 1x4: centres at -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
    expect(Array.from(upsampleBilinear([[0, 4]], 1, 4))).toEqual([0, 1, 3, 4]);
  });

  it('colours cold blue and hot red, and blends only where hot', () => {
    expect(heatColor(0)).toEqual([0, 0, 128]);
    expect(heatColor(1)).toEqual([128, 0, 0]);
    const grey = new Uint8Array(3 * 2).fill(100); // 1x2 image, 3 planes
    const rgb = blendOverlay(grey, 1, 2, [[0, 1]], 1);
    expect(Array.from(rgb.subarray(0, 3))).toEqual([100, 100, 100]);
    expect(Array.from(rgb.subarray(3, 6))).toEqual([117, 40, 40]);
  });

  it('enlarges small inputs to about 256 pixels', () => {
    expect(overlayScale(32, 32)).toBe(8);
    expect(overlayScale(224, 224)).toBe(1);
    expect(overlayScale(600, 400)).toBe(1);
  });
});
