import { describe, expect, it } from 'vitest';
import { analyze } from '../../../core/graph/analyze';
import { makeDivisible } from '../../../core/blocks/mbconv';
import { analyzeOne, innerTypes, oneBlock } from './mobile-doc';

const inner = (a: ReturnType<typeof analyzeOne>, name: string) => a.graph.nodes.find((p) => p.name === `blk.${name}`)!;

describe('MBConv / inverted residual', () => {
  it("mobilenet_v2 layout: expand, depthwise, linear projection, skip, under InvertedResidual's names", () => {
    const a = analyzeOne('mbconv', { filters: 8, expansion: 6 }, [8, 6, 6]);
    expect(a.diagnostics).toEqual([]);
    expect(innerTypes(a)).toEqual({
      'conv.0.0': 'conv2d',
      'conv.0.1': 'batchnorm2d',
      'conv.0.2': 'relu6',
      'conv.1.0': 'conv2d',
      'conv.1.1': 'batchnorm2d',
      'conv.1.2': 'relu6',
      'conv.2': 'conv2d',
      'conv.3': 'batchnorm2d',
      add: 'add',
    });
    expect(inner(a, 'conv.0.0').params).toMatchObject({ filters: 48, kernel: 1 });
    expect(inner(a, 'conv.1.0').params).toMatchObject({ filters: 48, groups: 48, kernel: 3, padding: 1 });
    // x + self.conv(x), in torchvision's operand order
    const add = inner(a, 'add');
    expect(add.inputs.map((r) => r.node)).toEqual([a.graph.nodes.find((p) => p.name === 'input')!.id, inner(a, 'conv.3').id]);
  });

  it('skips the expansion at ratio 1 and the skip when the shape changes (stride 2 or new width)', () => {
    const a = analyzeOne('mbconv', { filters: 16, expansion: 1 }, [32, 6, 6]);
    expect(Object.keys(innerTypes(a))).toEqual(['conv.0.0', 'conv.0.1', 'conv.0.2', 'conv.1', 'conv.2']);
    const s2 = analyzeOne('mbconv', { filters: 8, stride: 2 }, [8, 7, 7]);
    expect(innerTypes(s2).add).toBeUndefined();
    expect(s2.nodes.get('blk')!.outShapes).toEqual([[8, 4, 4]]);
  });

  it("costs expand + depthwise + project MACs: H·W·C·E + H'W'·E·k² + H'W'·E·F", () => {
    const a = analyzeOne('mbconv', { filters: 24, expansion: 6, kernel: 5, stride: 2 }, [16, 8, 8]);
    const e = 96;
    expect(a.nodes.get('blk')!.macs).toBe(64 * 16 * e + 16 * e * 25 + 16 * e * 24);
  });

  it('mobilenet_v3 layout: block.<i> names, explicit expanded width, projection without activation', () => {
    const a = analyzeOne(
      'mbconv',
      { filters: 40, expandedChannels: 72, kernel: 5, stride: 2, activation: 'hardswish', layout: 'mobilenet_v3', eps: 1e-3, momentum: 0.01 },
      [24, 8, 8],
    );
    expect(a.diagnostics).toEqual([]);
    expect(innerTypes(a)).toEqual({
      'block.0.0': 'conv2d',
      'block.0.1': 'batchnorm2d',
      'block.0.2': 'hardswish',
      'block.1.0': 'conv2d',
      'block.1.1': 'batchnorm2d',
      'block.1.2': 'hardswish',
      'block.2.0': 'conv2d',
      'block.2.1': 'batchnorm2d',
    });
    expect(inner(a, 'block.0.0').params.filters).toBe(72);
    expect(inner(a, 'block.1.1').params).toMatchObject({ eps: 1e-3, momentum: 0.01 });
  });

  it('squeeze-excite sits between depthwise and projection, squeezing as torchvision does per layout', () => {
    const v3 = analyzeOne('mbconv', { filters: 24, expandedChannels: 72, se: true, layout: 'mobilenet_v3' }, [24, 8, 8]);
    expect(v3.diagnostics).toEqual([]);
    // _make_divisible(72 // 4, 8) = 24
    expect(inner(v3, 'block.2.fc1').params.filters).toBe(24);
    expect(inner(v3, 'block.3.0').params.filters).toBe(24);
    const eff = analyzeOne('mbconv', { filters: 40, expansion: 6, se: true, activation: 'silu', layout: 'efficientnet' }, [40, 8, 8]);
    // max(1, 40 // 4) = 10, on the expanded width 240
    expect(inner(eff, 'block.2.fc1').params.filters).toBe(10);
    expect(inner(eff, 'block.2.fc2').params.filters).toBe(240);
    const seOverride = analyzeOne('mbconv', { filters: 40, se: true, seChannels: 7, layout: 'efficientnet' }, [40, 8, 8]);
    expect(inner(seOverride, 'block.2.fc1').params.filters).toBe(7);
  });

  it('puts stochastic depth on the branch before the Add, and only where there is a skip', () => {
    const a = analyzeOne('mbconv', { filters: 16, se: true, stochasticDepth: 0.1, layout: 'efficientnet', activation: 'silu' }, [16, 6, 6]);
    expect(inner(a, 'stochastic_depth').params.p).toBe(0.1);
    expect(inner(a, 'add').inputs[0]!.node).toBe(inner(a, 'stochastic_depth').id);
    const noSkip = analyzeOne('mbconv', { filters: 24, stochasticDepth: 0.1, layout: 'efficientnet' }, [16, 6, 6]);
    expect(innerTypes(noSkip).stochastic_depth).toBeUndefined();
  });

  it('explains what it cannot build: SE in the MobileNetV2 layout, an even kernel, a flat input', () => {
    const se = analyzeOne('mbconv', { se: true }, [24, 8, 8]);
    expect(se.diagnostics.map((d) => [d.code, d.param])).toEqual([['invalid-param', 'se']]);
    expect(se.diagnostics[0]!.message).toMatch(/MobileNetV2's inverted residual has no squeeze-excite/);
    expect(se.diagnostics[0]!.fixes.map((f) => f.label)).toEqual(['Turn squeeze-excite off', 'Use the EfficientNet layout']);
    const even = analyzeOne('mbconv', { kernel: 2 }, [24, 8, 8]);
    expect(even.diagnostics[0]!.message).toMatch(/kernel 2 is even/);
    const flat = analyze(oneBlock('mbconv', {}, [4, 2, 2], true));
    expect(flat.diagnostics[0]!.code).toBe('needs-image-input');
  });

  it("rounds widths as torchvision's _make_divisible", () => {
    expect([makeDivisible(18), makeDivisible(4), makeDivisible(60), makeDivisible(36), makeDivisible(9)]).toEqual([24, 8, 64, 40, 16]);
  });
});
