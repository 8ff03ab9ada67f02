/** Layer names as the user named the blocks (the Inside panel's layer list). */
import { describe, expect, it } from 'vitest';
import { blockLayerNames } from '../../../core/onnx/layer-names';
import { DocBuilder } from '../../../core/graph/doc-builder';
import { exportOnnx } from '../../../core/onnx/export';

describe('blockLayerNames', () => {
  it('drops the op suffix the graph builder adds', () => {
    expect(blockLayerNames(['conv1/Conv', 'conv2/Conv', 'inc3a/b1/Conv'], 'Conv')).toEqual(['conv1', 'conv2', 'inc3a/b1']);
  });

  it('numbers the convs of one block, in order', () => {
    expect(blockLayerNames(['res1/Conv', 'res1/Conv_1', 'fc/Conv'], 'Conv')).toEqual(['res1 (conv 1)', 'res1 (conv 2)', 'fc']);
  });

  it('keeps names without the suffix (imported models) and a bare op name', () => {
    expect(blockLayerNames(['features.0', 'Conv', 'Conv_1'], 'Conv')).toEqual(['features.0', 'Conv', 'Conv_1']);
  });

  it('names the convs of an exported model after their blocks', () => {
    const b = new DocBuilder();
    b.then('input', 'input', { channels: 1, height: 16, width: 16 });
    b.then('stem', 'conv2d', { filters: 4, kernel: 3, padding: 1 });
    b.then('relu', 'relu');
    b.then('features', 'conv2d', { filters: 8, kernel: 3, padding: 1 });
    b.then('flatten', 'flatten');
    b.then('out', 'output', { classes: 3 });
    const { model } = exportOnnx(b.build());
    const convs = model.graph.nodes.filter((n) => n.opType === 'Conv').map((n) => n.name);
    expect(blockLayerNames(convs, 'Conv')).toEqual(['stem', 'features']);
  });
});
