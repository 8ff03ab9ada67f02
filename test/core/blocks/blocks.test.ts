/** Table-driven shape rules for every primitive block: padding/stride/dilation/ceil edge cases, odd sizes, invalid params. */
import { describe, expect, it } from 'vitest';
import { BLOCKS, getBlock } from '../../../core/blocks/index';
import { checkParam, defaultParams } from '../../../core/blocks/params';
import type { Params, Shape } from '../../../core/graph/types';
import { inferBlock } from '../../helpers/block-infer';

type Case = [label: string, type: string, params: Params, inShapes: Shape[], expected: Shape | string];

const CASES: Case[] = [
  // conv2d: out = floor((H + 2p - d(k-1) - 1)/s) + 1
  ['conv same s1', 'conv2d', { filters: 16, kernel: 3, padding: 'same' }, [[3, 32, 32]], [16, 32, 32]],
  ['conv valid', 'conv2d', { filters: 8, kernel: 3, padding: 'valid' }, [[3, 32, 32]], [8, 30, 30]],
  ['conv p1 s2 even', 'conv2d', { filters: 8, kernel: 3, stride: 2, padding: 1 }, [[3, 32, 32]], [8, 16, 16]],
  ['conv p1 s2 odd', 'conv2d', { filters: 8, kernel: 3, stride: 2, padding: 1 }, [[3, 33, 33]], [8, 17, 17]],
  ['conv same s2 odd', 'conv2d', { filters: 8, kernel: 3, stride: 2, padding: 'same' }, [[3, 33, 33]], [8, 17, 17]],
  ['conv same s2 even', 'conv2d', { filters: 8, kernel: 3, stride: 2, padding: 'same' }, [[3, 32, 32]], [8, 16, 16]],
  ['conv same even kernel', 'conv2d', { filters: 8, kernel: 4, padding: 'same' }, [[3, 9, 9]], [8, 9, 9]],
  ['conv dilation 2 valid', 'conv2d', { filters: 4, kernel: 3, dilation: 2, padding: 0 }, [[1, 7, 7]], [4, 3, 3]],
  ['conv dilation 2 same', 'conv2d', { filters: 4, kernel: 3, dilation: 2, padding: 'same' }, [[1, 7, 7]], [4, 7, 7]],
  ['conv 1x7 kernel pair pad', 'conv2d', { filters: 4, kernel: [1, 7], padding: [0, 3] }, [[3, 10, 10]], [4, 10, 10]],
  ['conv rectangular stride', 'conv2d', { filters: 4, kernel: [3, 5], stride: [1, 2], padding: 'valid' }, [[3, 9, 9]], [4, 7, 3]],
  ['conv 11/4/2 (AlexNet)', 'conv2d', { filters: 64, kernel: 11, stride: 4, padding: 2 }, [[3, 224, 224]], [64, 55, 55]],
  ['conv 7/2/3 (ResNet stem)', 'conv2d', { filters: 64, kernel: 7, stride: 2, padding: 3 }, [[3, 224, 224]], [64, 112, 112]],
  ['conv kernel = input', 'conv2d', { filters: 4, kernel: 5, padding: 0 }, [[1, 5, 5]], [4, 1, 1]],
  ['conv groups ok', 'conv2d', { filters: 8, kernel: 3, groups: 4 }, [[4, 8, 8]], [8, 8, 8]],
  ['conv depthwise', 'conv2d', { filters: 6, kernel: 3, groups: 6 }, [[6, 8, 8]], [6, 8, 8]],
  ['conv groups mismatch', 'conv2d', { filters: 8, kernel: 3, groups: 3 }, [[4, 8, 8]], 'groups-mismatch'],
  ['conv kernel too large', 'conv2d', { filters: 4, kernel: 7, padding: 'valid' }, [[1, 5, 5]], 'kernel-too-large'],
  ['conv dilated kernel too large', 'conv2d', { filters: 4, kernel: 3, dilation: 3, padding: 0 }, [[1, 6, 6]], 'kernel-too-large'],
  ['conv on vector', 'conv2d', { filters: 4 }, [[100]], 'needs-image-input'],
  ['conv filters 0', 'conv2d', { filters: 0 }, [[3, 8, 8]], 'invalid-param'],
  ['conv kernel 2.5', 'conv2d', { kernel: 2.5 }, [[3, 8, 8]], 'invalid-param'],
  ['conv padding "full"', 'conv2d', { padding: 'full' }, [[3, 8, 8]], 'invalid-param'],
  ['conv negative padding', 'conv2d', { padding: -1 }, [[3, 8, 8]], 'invalid-param'],
  ['conv stride pair of 3', 'conv2d', { stride: [1, 2, 3] }, [[3, 8, 8]], 'invalid-param'],
  ['conv unknown param', 'conv2d', { kernal: 3 }, [[3, 8, 8]], 'invalid-param'],
  // pooling: floor and PyTorch ceil mode (last window must start inside the input or left padding)
  ['maxpool 2/2 odd floor', 'maxpool2d', { kernel: 2, stride: 2 }, [[8, 7, 7]], [8, 3, 3]],
  ['maxpool 2/2 odd ceil', 'maxpool2d', { kernel: 2, stride: 2, ceilMode: true }, [[8, 7, 7]], [8, 4, 4]],
  ['maxpool 3/2 ceil (GoogLeNet)', 'maxpool2d', { kernel: 3, stride: 2, ceilMode: true }, [[64, 112, 112]], [64, 56, 56]],
  ['maxpool 3/2 ceil 32', 'maxpool2d', { kernel: 3, stride: 2, ceilMode: true }, [[8, 32, 32]], [8, 16, 16]],
  ['maxpool 3/2/1 ceil 6', 'maxpool2d', { kernel: 3, stride: 2, padding: 1, ceilMode: true }, [[8, 6, 6]], [8, 4, 4]],
  ['maxpool ceil drops window in padding', 'maxpool2d', { kernel: 2, stride: 2, padding: 1, ceilMode: true }, [[8, 5, 5]], [8, 3, 3]],
  ['maxpool 3/1/1 ceil (inception pool)', 'maxpool2d', { kernel: 3, stride: 1, padding: 1, ceilMode: true }, [[8, 28, 28]], [8, 28, 28]],
  ['maxpool 3/2/1 (ResNet)', 'maxpool2d', { kernel: 3, stride: 2, padding: 1 }, [[64, 112, 112]], [64, 56, 56]],
  ['maxpool same', 'maxpool2d', { kernel: 3, stride: 1, padding: 'same' }, [[4, 9, 9]], [4, 9, 9]],
  ['maxpool rectangular', 'maxpool2d', { kernel: [2, 1], stride: [2, 1] }, [[4, 9, 9]], [4, 4, 9]],
  ['maxpool padding > k/2', 'maxpool2d', { kernel: 3, stride: 1, padding: 2 }, [[4, 9, 9]], 'pool-padding-too-large'],
  ['maxpool kernel too large', 'maxpool2d', { kernel: 5, stride: 1 }, [[4, 3, 3]], 'kernel-too-large'],
  ['maxpool stride 0', 'maxpool2d', { stride: 0 }, [[4, 3, 3]], 'invalid-param'],
  ['avgpool 2/2', 'avgpool2d', { kernel: 2, stride: 2 }, [[6, 28, 28]], [6, 14, 14]],
  ['avgpool 3/2 ceil odd', 'avgpool2d', { kernel: 3, stride: 2, ceilMode: true, countIncludePad: false }, [[6, 8, 8]], [6, 4, 4]],
  ['avgpool on vector', 'avgpool2d', {}, [[10]], 'needs-image-input'],
  ['gap', 'globalavgpool', {}, [[512, 7, 5]], [512]],
  ['gap keep dims', 'globalavgpool', { flatten: false }, [[512, 7, 7]], [512, 1, 1]],
  ['gap on vector', 'globalavgpool', {}, [[512]], 'needs-image-input'],
  // normalization, activations, regularization, shape
  ['batchnorm', 'batchnorm2d', {}, [[16, 9, 9]], [16, 9, 9]],
  ['batchnorm eps 0', 'batchnorm2d', { eps: 0 }, [[16, 9, 9]], 'invalid-param'],
  ['batchnorm on vector', 'batchnorm2d', {}, [[16]], 'needs-image-input'],
  ['lrn', 'lrn', { size: 5 }, [[96, 55, 55]], [96, 55, 55]],
  ['relu image', 'relu', {}, [[3, 5, 5]], [3, 5, 5]],
  ['relu vector', 'relu', {}, [[7]], [7]],
  ['leaky relu', 'leakyrelu', { slope: 0.2 }, [[7]], [7]],
  ['sigmoid', 'sigmoid', {}, [[2, 3, 3]], [2, 3, 3]],
  ['tanh', 'tanh', {}, [[2, 3, 3]], [2, 3, 3]],
  ['dropout', 'dropout', { p: 0.5 }, [[4096]], [4096]],
  ['dropout p=1', 'dropout', { p: 1 }, [[4096]], 'invalid-param'],
  ['flatten', 'flatten', {}, [[16, 5, 5]], [400]],
  ['flatten vector', 'flatten', {}, [[400]], [400]],
  ['dense', 'dense', { units: 120 }, [[400]], [120]],
  ['dense on image', 'dense', { units: 120 }, [[16, 5, 5]], 'needs-flat-input'],
  ['dense units 0', 'dense', { units: 0 }, [[16]], 'invalid-param'],
  // merges
  [
    'add 2',
    'add',
    {},
    [
      [8, 4, 4],
      [8, 4, 4],
    ],
    [8, 4, 4],
  ],
  [
    'add 3',
    'add',
    { inputs: 3 },
    [
      [8, 4, 4],
      [8, 4, 4],
      [8, 4, 4],
    ],
    [8, 4, 4],
  ],
  [
    'add channel mismatch',
    'add',
    {},
    [
      [8, 4, 4],
      [16, 4, 4],
    ],
    'channel-mismatch',
  ],
  [
    'add spatial mismatch',
    'add',
    {},
    [
      [8, 4, 4],
      [8, 8, 8],
    ],
    'spatial-mismatch',
  ],
  ['add rank mismatch', 'add', {}, [[8, 4, 4], [128]], 'rank-mismatch'],
  ['add 1 input', 'add', { inputs: 1 }, [[8, 4, 4]], 'invalid-param'],
  [
    'concat',
    'concat',
    {},
    [
      [8, 4, 4],
      [4, 4, 4],
    ],
    [12, 4, 4],
  ],
  [
    'concat 4 (inception)',
    'concat',
    { inputs: 4 },
    [
      [64, 28, 28],
      [128, 28, 28],
      [32, 28, 28],
      [32, 28, 28],
    ],
    [256, 28, 28],
  ],
  ['concat vectors', 'concat', {}, [[10], [5]], [15]],
  [
    'concat spatial mismatch',
    'concat',
    {},
    [
      [8, 4, 4],
      [8, 3, 4],
    ],
    'spatial-mismatch',
  ],
  // ends
  ['input', 'input', { channels: 1, height: 28, width: 28 }, [], [1, 28, 28]],
  ['output dense', 'output', { classes: 1000 }, [[512]], [1000]],
  ['output on image', 'output', { classes: 10 }, [[512, 1, 1]], 'needs-flat-input'],
  ['output identity', 'output', { classes: 10, head: 'identity' }, [[10]], [10]],
  ['output identity wrong size', 'output', { classes: 10, head: 'identity' }, [[12]], 'rank-mismatch'],
];

describe('block shape rules', () => {
  it.each(CASES)('%s', (_label, type, params, inShapes, expected) => {
    const r = inferBlock(type, params, inShapes);
    if (typeof expected === 'string') expect('codes' in r ? r.codes : r).toContain(expected);
    else expect(r).toEqual({ shapes: [expected] });
  });
});

describe('block registry', () => {
  it('has unique types and valid defaults for every parameter', () => {
    const types = BLOCKS.map((b) => b.type);
    expect(new Set(types).size).toBe(types.length);
    for (const b of BLOCKS) for (const [k, spec] of Object.entries(b.params)) expect(checkParam(spec, spec.default), `${b.type}.${k}`).toBeNull();
  });

  it('lists the blocks the issue asks for', () => {
    for (const t of [
      'input',
      'conv2d',
      'maxpool2d',
      'avgpool2d',
      'globalavgpool',
      'batchnorm2d',
      'lrn',
      'relu',
      'leakyrelu',
      'sigmoid',
      'tanh',
      'dropout',
      'flatten',
      'dense',
      'add',
      'concat',
      'output',
      'inception',
      'residual',
      'group',
    ]) {
      expect(getBlock(t), t).toBeDefined();
    }
  });

  it('declares weights with PyTorch layouts', () => {
    const conv = getBlock('conv2d')!;
    if (conv.kind !== 'primitive') throw new Error('conv2d');
    const P = { ...defaultParams(conv.params), filters: 8, kernel: [3, 5], groups: 2 };
    expect(conv.weights([[4, 9, 9]], [[8, 9, 9]], P).map((w) => [w.suffix, w.shape])).toEqual([
      ['weight', [8, 2, 3, 5]],
      ['bias', [8]],
    ]);
    const bn = getBlock('batchnorm2d')!;
    if (bn.kind !== 'primitive') throw new Error('bn');
    expect(bn.weights([[4, 9, 9]], [[4, 9, 9]], defaultParams(bn.params)).map((w) => [w.suffix, w.role])).toEqual([
      ['weight', 'param'],
      ['bias', 'param'],
      ['running_mean', 'buffer'],
      ['running_var', 'buffer'],
    ]);
  });
});
