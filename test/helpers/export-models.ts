/**
 * Hand-drawn models that reach the generator's other paths: user groups (repeated, nested, with a
 * residual block and a skip Add inside), dotted names that are not Python identifiers, branches
 * (nn.ModuleDict), non-numeric chains (nn.Sequential of an OrderedDict), uneven 'same' padding
 * (padded conv / max pool / average pool), LRN, an imported ONNX op (Relu).
 */
import { DocBuilder } from '../../core/graph/doc-builder';
import type { GroupDef, ModelDocument, ModelNode } from '../../core/graph/types';

const at = { x: 0, y: 0 };
const node = (id: string, type: string, name: string, params: ModelNode['params'] = {}): ModelNode => ({ id, type, name, params, position: at });
const edge = (from: string, to: string, port = 0) => ({ id: `${from}->${to}:${port}`, from: { node: from, port: 0 }, to: { node: to, port } });

const CBR: GroupDef = {
  id: 'cbr',
  name: 'conv-bn-relu',
  nodes: [node('c', 'conv2d', 'conv', { filters: 8, kernel: 3 }), node('n', 'batchnorm2d', 'bn'), node('r', 'relu', 'relu')],
  edges: [edge('c', 'n'), edge('n', 'r')],
  inputs: [[{ node: 'c', port: 0 }]],
  outputs: [{ node: 'r', port: 0 }],
};

const SKIP: GroupDef = {
  id: 'skip',
  name: 'skip unit',
  nodes: [node('c', 'conv2d', 'conv', { filters: 8, kernel: 3 }), node('res', 'residual', 'res', { planes: 8 }), node('a', 'add', 'add')],
  edges: [edge('c', 'res'), edge('res', 'a', 0)],
  inputs: [
    [
      { node: 'c', port: 0 },
      { node: 'a', port: 1 },
    ],
  ],
  outputs: [{ node: 'a', port: 0 }],
};

export function groupsModel(): ModelDocument {
  const b = new DocBuilder();
  b.group(CBR).group(SKIP);
  b.then('input', 'input', { channels: 3, height: 16, width: 16 });
  b.then('stem', 'group', { group: 'cbr' });
  b.then('stage', 'group', { group: 'cbr', repeat: 3 });
  b.then('block', 'group', { group: 'skip', repeat: 2 });
  b.then('avgpool', 'globalavgpool');
  b.then('fc', 'output', { classes: 4 });
  return b.build();
}

export function branchesModel(): ModelDocument {
  const b = new DocBuilder();
  b.then('input', 'input', { channels: 3, height: 16, width: 16 });
  b.then('conv-1', 'conv2d', { filters: 6, kernel: 3, stride: 2, padding: 'same' });
  const act = b.then('act', 'onnx-op', { opType: 'Relu', slots: '[{"port":0}]', outShapes: '[[6,8,8]]' });
  const a = b.add('branch.a', 'conv2d', { filters: 4, kernel: 1 }, [act]);
  const p = b.add('branch.b', 'maxpool2d', { kernel: 2, stride: 1, padding: 'same' }, [act]);
  b.add('merge', 'concat', { inputs: 2 }, [a, p]);
  b.then('lrn', 'lrn', { size: 3 });
  const l = b.then('leaky', 'leakyrelu', { slope: 0.2 });
  const r = b.then('res.conv', 'conv2d', { filters: 10, kernel: 3, bias: false });
  b.add('res.add', 'add', { inputs: 2 }, [r, l]);
  b.then('down', 'avgpool2d', { kernel: 3, stride: 2, padding: 'same' });
  b.then('head.pool', 'globalavgpool', { flatten: false });
  b.then('head.flat', 'flatten');
  b.then('head.fc', 'dense', { units: 12 });
  b.then('head.act', 'tanh');
  b.then('drop', 'dropout', { p: 0.3 });
  b.then('class', 'output', { classes: 3 });
  return b.build();
}

/** An imported operator PyTorch code cannot express: kept as a generic ONNX op. */
export function unsupportedModel(): ModelDocument {
  const b = new DocBuilder();
  b.then('input', 'input', { channels: 1, height: 8, width: 8 });
  b.then('conv1', 'conv2d', { filters: 4, kernel: 3 });
  b.then('mystery', 'onnx-op', { opType: 'Erf', slots: '[{"port":0}]', outShapes: '[[4,8,8]]' });
  b.then('flatten', 'flatten');
  b.then('fc', 'output', { classes: 2 });
  return b.build();
}
