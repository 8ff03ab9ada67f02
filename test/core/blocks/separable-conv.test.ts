import { describe, expect, it } from 'vitest';
import { analyze } from '../../../core/graph/analyze';
import { analyzeOne, innerTypes, oneBlock } from './mobile-doc';

describe('depthwise-separable conv', () => {
  it('is a depthwise k×k (groups = C, stride) and a pointwise 1×1, each with BN and the activation, in torchvision names', () => {
    const a = analyzeOne('separableconv', { filters: 16, kernel: 3, stride: 2, activation: 'relu6' }, [8, 9, 9]);
    expect(a.diagnostics).toEqual([]);
    expect(innerTypes(a)).toEqual({
      'depthwise.0': 'conv2d',
      'depthwise.1': 'batchnorm2d',
      'depthwise.2': 'relu6',
      'pointwise.0': 'conv2d',
      'pointwise.1': 'batchnorm2d',
      'pointwise.2': 'relu6',
    });
    const dw = a.graph.nodes.find((p) => p.name === 'blk.depthwise.0')!;
    expect(dw.params).toMatchObject({ groups: 8, filters: 8, stride: 2, padding: 1, bias: false });
    expect(dw.outShapes).toEqual([[8, 5, 5]]);
    expect(a.nodes.get('blk')!.outShapes).toEqual([[16, 5, 5]]);
  });

  it("costs H'W'·C·k² + H'W'·C·filters MACs and C·k² + C·filters weights (plus BN)", () => {
    const a = analyzeOne('separableconv', { filters: 16, kernel: 5 }, [8, 10, 10]);
    const blk = a.nodes.get('blk')!;
    expect(blk.macs).toBe(100 * 8 * 25 + 100 * 8 * 16);
    expect(blk.params).toBe(8 * 25 + 8 * 16 + 2 * 8 + 2 * 16);
  });

  it('names the even kernel and offers the next odd one', () => {
    const a = analyzeOne('separableconv', { kernel: 4 }, [8, 10, 10]);
    expect(a.diagnostics.map((d) => [d.code, d.param])).toEqual([['invalid-param', 'kernel']]);
    expect(a.diagnostics[0]!.message).toMatch(/kernel 4 is even/);
    expect(a.diagnostics[0]!.fixes[0]!.label).toBe('Use kernel 5');
  });

  it('needs an image input', () => {
    const a = analyze(oneBlock('separableconv', {}, [8, 10, 10], true));
    expect(a.diagnostics[0]!.code).toBe('needs-image-input');
    expect(a.diagnostics[0]!.message).toMatch(/N×C×H×W, got N×800/);
  });
});
