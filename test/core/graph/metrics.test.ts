/** Metrics: receptive fields, activation memory, frozen blocks, training memory; grouping a selection. */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../core/graph/analyze';
import { DocBuilder } from '../../../core/graph/doc-builder';
import { groupSelection } from '../../../core/graph/group-selection';
import { trainingMemory } from '../../../core/graph/memory';
import { buildTemplate } from '../../../core/templates/index';

describe('receptive field', () => {
  it('grows through LeNet-5 as the arithmetic says', () => {
    const a = analyze(buildTemplate('lenet5'));
    const rf = Object.fromEntries(a.graph.nodes.map((p) => [p.name, p.rf]));
    expect(rf.conv1).toEqual({ size: 5, jump: 1, start: 2.5 });
    expect(rf.pool1).toEqual({ size: 6, jump: 2, start: 3 });
    expect(rf.conv2).toEqual({ size: 14, jump: 2, start: 7 });
    expect(rf.pool2).toEqual({ size: 16, jump: 4, start: 8 });
  });
  it('takes the largest field over the paths of a merge', () => {
    const b = new DocBuilder();
    b.then('input', 'input', { channels: 1, height: 32, width: 32 });
    b.add('small', 'conv2d', { kernel: 1 }, ['input']);
    b.add('big', 'conv2d', { kernel: 7 }, ['input']);
    b.add('sum', 'add', {}, ['small', 'big']);
    b.then('gap', 'globalavgpool');
    b.then('out', 'output');
    expect(analyze(b.build()).nodes.get('sum')!.rf!.size).toBe(7);
  });
  it('tracks height and width separately', () => {
    const b = new DocBuilder();
    b.then('input', 'input', { channels: 1, height: 32, width: 32 });
    b.then('c', 'conv2d', { kernel: [1, 5], padding: 0 });
    b.then('gap', 'globalavgpool');
    b.then('out', 'output');
    const p = analyze(b.build()).graph.nodes[1]!;
    expect([p.rf.size, p.rfW.size]).toEqual([1, 5]);
  });
});

describe('parameters, activations and memory', () => {
  it('counts batch norm statistics as buffers, not parameters', () => {
    const a = analyze(buildTemplate('resnet18'));
    // ResNet-18 normalizes 4,800 channels: 9,600 learned (weight, bias) and 9,600 buffer values.
    const bnParams = a.graph.nodes.filter((p) => p.type === 'batchnorm2d').reduce((s, p) => s + p.paramCount, 0);
    expect(bnParams).toBe(9600);
    expect(a.totals.buffers).toBe(9600);
    expect(a.totals.params).toBe(11_689_512);
  });
  it('frozen blocks have non-trainable parameters', () => {
    const doc = buildTemplate('lenet5');
    const frozen = { ...doc, nodes: doc.nodes.map((n) => (n.name === 'conv1' ? { ...n, frozen: true } : n)) };
    const a = analyze(frozen);
    expect(a.totals.nonTrainableParams).toBe(156);
    expect(a.graph.weights.find((w) => w.name === 'conv1.weight')!.trainable).toBe(false);
  });
  it('activation bytes are float32 outputs per sample', () => {
    const a = analyze(buildTemplate('lenet5'));
    expect(a.nodes.get('conv1')!.activationBytes).toBe(6 * 28 * 28 * 4);
    expect(a.totals.activationBytes).toBe(a.graph.nodes.reduce((s, p) => s + p.activationBytes, 0));
  });
  it('reports other ops apart from MACs', () => {
    const a = analyze(buildTemplate('lenet5'));
    expect(a.nodes.get('relu1')!.macs).toBe(0);
    expect(a.nodes.get('relu1')!.otherOps).toBe(6 * 28 * 28);
    expect(a.nodes.get('conv1')!.macs).toBe(6 * 28 * 28 * 25);
  });
  it('estimates training memory by optimizer and batch size', () => {
    const a = analyze(buildTemplate('lenet5'));
    const sgd = trainingMemory(a, { batchSize: 1, optimizer: 'sgd' });
    const adam = trainingMemory(a, { batchSize: 64, optimizer: 'adam' });
    expect(sgd.weights).toBe(61_706 * 4);
    expect(sgd.optimizerState).toBe(0);
    expect(adam.optimizerState).toBe(2 * 61_706 * 4);
    expect(adam.activations).toBe(64 * sgd.activations);
    expect(adam.total).toBe(adam.weights + adam.gradients + adam.optimizerState + adam.activations);
  });
});

describe('grouping a selection', () => {
  it('keeps shapes and counts, and names weights under the group', () => {
    const doc = buildTemplate('lenet5');
    const before = analyze(doc);
    const { doc: grouped, nodeId } = groupSelection(doc, ['conv1', 'relu1', 'pool1'], 'stem');
    const after = analyze(grouped);
    expect(after.diagnostics).toEqual([]);
    expect(after.totals).toEqual(before.totals);
    expect(after.nodes.get(nodeId)!.outShapes).toEqual([[6, 14, 14]]);
    expect(after.graph.weights[0]!.name).toBe('stem.conv1.weight');
  });
  it('turns fan-in and fan-out into group ports', () => {
    const b = new DocBuilder();
    b.then('input', 'input', { channels: 4, height: 8, width: 8 });
    b.add('a', 'conv2d', { filters: 4 }, ['input']);
    b.add('bn', 'batchnorm2d', {}, ['a']);
    b.add('sum', 'add', {}, ['bn', 'input']);
    b.add('gap', 'globalavgpool', {}, ['sum']);
    b.then('out', 'output');
    const doc = b.build();
    const { doc: grouped } = groupSelection(doc, ['a', 'bn', 'sum'], 'block');
    const g = grouped.groups[0]!;
    expect(g.inputs).toEqual([
      [
        { node: 'a', port: 0 },
        { node: 'sum', port: 1 },
      ],
    ]);
    expect(g.outputs).toEqual([{ node: 'sum', port: 0 }]);
    const a = analyze(grouped);
    expect(a.diagnostics).toEqual([]);
    expect(a.totals.params).toBe(analyze(doc).totals.params);
  });
});
