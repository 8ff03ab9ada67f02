/** Inception, residual and user groups: expansion, names, projection shortcuts, repeat. */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../core/graph/analyze';
import { DocBuilder } from '../../../core/graph/doc-builder';
import type { GroupDef, Params } from '../../../core/graph/types';

function single(type: string, params: Params, input: [number, number, number]) {
  const b = new DocBuilder();
  b.then('input', 'input', { channels: input[0], height: input[1], width: input[2] });
  b.then('block', type, params);
  b.then('gap', 'globalavgpool');
  b.then('fc', 'output', { classes: 10 });
  return analyze(b.build());
}

describe('inception', () => {
  const p3a = { n1x1: 64, n3x3red: 96, n3x3: 128, n5x5red: 16, n5x5: 32, poolProj: 32 };
  it('concatenates the four branches (GoogLeNet 3a: 192x28x28 -> 256x28x28)', () => {
    const a = single('inception', p3a, [192, 28, 28]);
    expect(a.diagnostics).toEqual([]);
    expect(a.nodes.get('block')!.outShapes).toEqual([[256, 28, 28]]);
  });
  it('names weights like torchvision and drops conv bias under batch norm', () => {
    const a = single('inception', p3a, [192, 28, 28]);
    const names = a.graph.weights.filter((w) => w.name.startsWith('block.')).map((w) => w.name);
    expect(names).toContain('block.branch2.0.conv.weight');
    expect(names).toContain('block.branch3.1.bn.running_var');
    expect(names).toContain('block.branch4.1.conv.weight');
    expect(names.some((n) => n.endsWith('conv.bias'))).toBe(false);
    const k = a.graph.weights.find((w) => w.name === 'block.branch3.1.conv.weight')!;
    expect(k.shape).toEqual([32, 16, 5, 5]);
  });
  it('supports the 3x3 "5x5" branch and no batch norm', () => {
    const a = single('inception', { ...p3a, branchKernel: 3, batchNorm: false }, [192, 28, 28]);
    expect(a.graph.weights.find((w) => w.name === 'block.branch3.1.conv.weight')!.shape).toEqual([32, 16, 3, 3]);
    expect(a.graph.weights.some((w) => w.name === 'block.branch1.conv.bias')).toBe(true);
    expect(a.graph.nodes.some((p) => p.type === 'batchnorm2d')).toBe(false);
  });
  it('pool branch is a 3/1/1 ceil-mode max pool', () => {
    const a = single('inception', p3a, [192, 7, 7]);
    const pool = a.graph.nodes.find((p) => p.name === 'block.branch4.0')!;
    expect(pool.params).toMatchObject({ kernel: 3, stride: 1, padding: 1, ceilMode: true });
  });
});

describe('residual', () => {
  it('basic block keeps the identity shortcut when the shape is unchanged', () => {
    const a = single('residual', { variant: 'basic', planes: 64 }, [64, 56, 56]);
    expect(a.diagnostics).toEqual([]);
    expect(a.graph.nodes.some((p) => p.name.includes('downsample'))).toBe(false);
    expect(a.nodes.get('block')!.outShapes).toEqual([[64, 56, 56]]);
  });
  it('adds a projection shortcut when the stride changes the shape', () => {
    const a = single('residual', { variant: 'basic', planes: 128, stride: 2 }, [64, 56, 56]);
    expect(a.nodes.get('block')!.outShapes).toEqual([[128, 28, 28]]);
    const ds = a.graph.weights.find((w) => w.name === 'block.downsample.0.weight')!;
    expect(ds.shape).toEqual([128, 64, 1, 1]);
    expect(a.graph.weights.some((w) => w.name === 'block.downsample.1.running_mean')).toBe(true);
  });
  it('adds a projection when only the channels change (bottleneck, stride 1)', () => {
    const a = single('residual', { variant: 'bottleneck', planes: 64 }, [64, 56, 56]);
    expect(a.nodes.get('block')!.outShapes).toEqual([[256, 56, 56]]);
    expect(a.graph.weights.find((w) => w.name === 'block.downsample.0.weight')!.shape).toEqual([256, 64, 1, 1]);
    // torchvision v1.5: the stride sits on the 3x3 conv2
    expect(a.graph.weights.find((w) => w.name === 'block.conv3.weight')!.shape).toEqual([256, 64, 1, 1]);
  });
  it('repeat makes a stage: copies 0..N-1, stride and projection on the first only', () => {
    const a = single('residual', { variant: 'basic', planes: 128, stride: 2, repeat: 3 }, [64, 56, 56]);
    const names = a.graph.weights.map((w) => w.name);
    expect(names).toContain('block.0.downsample.0.weight');
    expect(names).toContain('block.2.conv2.weight');
    expect(names.some((n) => n.startsWith('block.1.downsample'))).toBe(false);
    expect(a.nodes.get('block')!.outShapes).toEqual([[128, 28, 28]]);
    const conv = a.graph.nodes.find((p) => p.name === 'block.1.conv1')!;
    expect(conv.params.stride).toBe(1);
  });
  it('reports a vector input on the composite node', () => {
    const b = new DocBuilder();
    b.then('input', 'input', { channels: 3, height: 8, width: 8 });
    b.then('flat', 'flatten');
    b.then('block', 'residual', {});
    b.then('fc', 'output');
    const a = analyze(b.build());
    expect(a.diagnostics.map((d) => [d.node, d.code])).toEqual([['block', 'needs-image-input']]);
  });
});

const convBnRelu: GroupDef = {
  id: 'cbr',
  name: 'ConvBnRelu',
  nodes: [
    { id: 'c', type: 'conv2d', name: 'conv', params: { filters: 16, kernel: 3, bias: false }, position: { x: 0, y: 0 } },
    { id: 'b', type: 'batchnorm2d', name: 'bn', params: {}, position: { x: 0, y: 0 } },
    { id: 'r', type: 'relu', name: 'relu', params: {}, position: { x: 0, y: 0 } },
  ],
  edges: [
    { id: 'e1', from: { node: 'c', port: 0 }, to: { node: 'b', port: 0 } },
    { id: 'e2', from: { node: 'b', port: 0 }, to: { node: 'r', port: 0 } },
  ],
  inputs: [[{ node: 'c', port: 0 }]],
  outputs: [{ node: 'r', port: 0 }],
};

function withGroup(def: GroupDef, params: Params) {
  const b = new DocBuilder().group(def);
  b.then('input', 'input', { channels: 3, height: 16, width: 16 });
  b.then('stage', 'group', params);
  b.then('gap', 'globalavgpool');
  b.then('fc', 'output', { classes: 10 });
  return analyze(b.build());
}

describe('user groups', () => {
  it('expand once with the group name as prefix', () => {
    const a = withGroup(convBnRelu, { group: 'cbr' });
    expect(a.diagnostics).toEqual([]);
    expect(a.graph.weights.map((w) => w.name).filter((n) => n.startsWith('stage'))).toEqual([
      'stage.conv.weight',
      'stage.bn.weight',
      'stage.bn.bias',
      'stage.bn.running_mean',
      'stage.bn.running_var',
    ]);
  });
  it('repeat N chains copies named 0..N-1', () => {
    const a = withGroup(convBnRelu, { group: 'cbr', repeat: 3 });
    expect(a.diagnostics).toEqual([]);
    const w = a.graph.weights.filter((x) => x.name.endsWith('conv.weight'));
    expect(w.map((x) => [x.name, x.shape])).toEqual([
      ['stage.0.conv.weight', [16, 3, 3, 3]],
      ['stage.1.conv.weight', [16, 16, 3, 3]],
      ['stage.2.conv.weight', [16, 16, 3, 3]],
    ]);
    expect(a.nodes.get('stage')!.params).toBe(3 * 16 * 9 + 2 * 16 * 16 * 9 + 3 * 32);
  });
  it('reports a missing group definition', () => {
    const a = withGroup(convBnRelu, { group: 'nope' });
    expect(a.diagnostics.map((d) => d.code)).toContain('unknown-group');
  });
  it('reports a group that contains itself instead of recursing forever', () => {
    const self: GroupDef = {
      ...convBnRelu,
      id: 'self',
      nodes: [{ id: 'g', type: 'group', name: 'inner', params: { group: 'self' }, position: { x: 0, y: 0 } }],
      edges: [],
      inputs: [[{ node: 'g', port: 0 }]],
      outputs: [{ node: 'g', port: 0 }],
    };
    const a = withGroup(self, { group: 'self' });
    expect(a.diagnostics.map((d) => d.code)).toContain('group-recursion');
  });
  it('an error inside a group names the inner path', () => {
    const bad: GroupDef = {
      ...convBnRelu,
      id: 'bad',
      nodes: convBnRelu.nodes.map((n) => (n.id === 'c' ? { ...n, params: { filters: 16, kernel: 31, padding: 0 } } : n)),
    };
    const a = withGroup(bad, { group: 'bad' });
    const d = a.diagnostics.find((x) => x.code === 'kernel-too-large')!;
    expect(d.node).toBe('stage');
    expect(d.path).toBe('stage.conv');
  });
});
