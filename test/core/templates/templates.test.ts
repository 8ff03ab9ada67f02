/** Every template: torchvision's exact parameter counts and conv+dense MACs within 1%. */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../core/graph/analyze';
import { TEMPLATES, TemplateError, buildTemplate } from '../../../core/templates/index';

const EXPECTED: [string, string | undefined, number, number][] = [
  ['alexnet', undefined, 61_100_840, 0.714e9],
  ['vgg16', undefined, 138_357_544, 15.47e9],
  ['googlenet', undefined, 7_005_832, 1.583e9],
  ['googlenet', 'torchvision', 6_624_904, 1.498e9],
  ['resnet18', undefined, 11_689_512, 1.814e9],
  ['resnet34', undefined, 21_797_672, 3.664e9],
  ['resnet50', undefined, 25_557_032, 4.089e9],
  ['resnet101', undefined, 44_549_160, 7.801e9],
  ['resnet152', undefined, 60_192_808, 11.51e9],
];

describe('templates at 3x224x224, 1000 classes', () => {
  it.each(EXPECTED)('%s %s: %d parameters', (id, variant, params, macs) => {
    const a = analyze(buildTemplate(id, variant ? { variant } : {}));
    expect(a.diagnostics).toEqual([]);
    expect(a.totals.params).toBe(params);
    expect(Math.abs(a.totals.macs - macs) / macs).toBeLessThan(0.01);
    expect(a.graph.nodes.at(-1)!.outShapes).toEqual([[1000]]);
  });
});

describe('LeNet-5', () => {
  it.each(['default', 'classic'])('%s: 61,706 parameters at 1x32x32, shapes as published', (variant) => {
    const a = analyze(buildTemplate('lenet5', { variant }));
    expect(a.diagnostics).toEqual([]);
    expect(a.totals.params).toBe(61_706);
    const c1 = a.graph.nodes[1]!;
    expect(c1.outShapes).toEqual([[6, 28, 28]]);
  });
  it('pads C1 by 2 on 1x28x28 so the maps keep their published sizes', () => {
    const a = analyze(buildTemplate('lenet5', { input: [1, 28, 28] }));
    expect(a.graph.nodes[1]!.params.padding).toBe(2);
    expect(a.graph.nodes[1]!.outShapes).toEqual([[6, 28, 28]]);
    expect(a.totals.params).toBe(61_706);
  });
  it('classic uses tanh and average pooling', () => {
    const types = new Set(analyze(buildTemplate('lenet5', { variant: 'classic' })).graph.nodes.map((p) => p.type));
    expect(types.has('tanh') && types.has('avgpool2d')).toBe(true);
    expect(types.has('relu') || types.has('maxpool2d')).toBe(false);
  });
});

describe('template options', () => {
  it('every template and variant is valid at its defaults and at a small input', () => {
    for (const t of TEMPLATES)
      for (const variant of t.variants) {
        expect(analyze(buildTemplate(t.id, { variant })).diagnostics, `${t.id}/${variant}`).toEqual([]);
        const small = analyze(buildTemplate(t.id, { variant, input: [3, 96, 96], classes: 7 }));
        expect(small.diagnostics, `${t.id}/${variant} at 96`).toEqual([]);
        expect(small.graph.nodes.at(-1)!.outShapes).toEqual([[7]]);
      }
  });
  it('ResNet uses torchvision weight names', () => {
    const names = analyze(buildTemplate('resnet50')).graph.weights.map((w) => w.name);
    expect(names.slice(0, 5)).toEqual(['conv1.weight', 'bn1.weight', 'bn1.bias', 'bn1.running_mean', 'bn1.running_var']);
    expect(names).toContain('layer1.0.downsample.0.weight');
    expect(names).toContain('layer4.2.conv3.weight');
    expect(names.at(-1)).toBe('fc.bias');
  });
  it('rejects unknown templates, variants and bad options with a TemplateError', () => {
    expect(() => buildTemplate('lenet6')).toThrow(TemplateError);
    expect(() => buildTemplate('alexnet', { variant: 'classic' })).toThrow(/no variant "classic"/);
    expect(() => buildTemplate('vgg16', { classes: 0 })).toThrow(TemplateError);
    expect(() => buildTemplate('vgg16', { input: [3, 0, 224] })).toThrow(TemplateError);
  });
  it('a too-small input gives diagnostics, not a crash', () => {
    const a = analyze(buildTemplate('vgg16', { input: [3, 16, 16] }));
    expect(a.ok).toBe(false);
    expect(a.diagnostics[0]!.code).toBe('kernel-too-large');
  });
});
