/** The palette finds the mobile blocks by the names people use for them. */
import { expect, it } from 'vitest';
import { BLOCKS } from '../../../core/blocks/index';
import { searchBlocks } from '../../../core/blocks/search';

const types = (q: string) => searchBlocks(BLOCKS, q).map((b) => b.type);

it.each([
  ['MBConv', 'mbconv'],
  ['mb conv', 'mbconv'],
  ['inverted residual', 'mbconv'],
  ['InvertedResidual', 'mbconv'],
  ['separable', 'separableconv'],
  ['SeparableConv2D', 'separableconv'],
  ['depthwise separable', 'separableconv'],
  ['drop path', 'stochasticdepth'],
  ['StochasticDepth', 'stochasticdepth'],
])('"%s" finds %s first', (q, type) => {
  expect(types(q)[0]).toBe(type);
});

it.each([
  ['bottleneck', 'mbconv'],
  ['bottleneck', 'residual'],
  ['separable', 'mbconv'],
  ['EfficientNet', 'mbconv'],
])('"%s" also lists %s', (q, type) => {
  expect(types(q)).toContain(type);
});
