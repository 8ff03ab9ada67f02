/** The palette's search by the names people use (core/blocks/search.ts, aliases in core/blocks/*). */
import { describe, expect, it } from 'vitest';
import { BLOCKS } from '../../../core/blocks/index';
import { matchedAlias, normalizeName, searchBlocks } from '../../../core/blocks/search';
import { getBlock } from '../../../core/blocks/index';

const first = (q: string) => searchBlocks(BLOCKS, q)[0]?.type;
const types = (q: string) => searchBlocks(BLOCKS, q).map((b) => b.type);

describe('palette search', () => {
  it.each([
    ['linear', 'dense'],
    ['Linear', 'dense'],
    ['fc', 'dense'],
    ['fully connected', 'dense'],
    ['gap', 'globalavgpool'],
    ['AdaptiveAvgPool', 'globalavgpool'],
    ['AdaptiveAvgPool2d', 'globalavgpool'],
    ['bn', 'batchnorm2d'],
    ['BatchNorm2d', 'batchnorm2d'],
    ['maxpool', 'maxpool2d'],
    ['max_pool', 'maxpool2d'],
    ['MaxPooling2D', 'maxpool2d'],
    ['avgpool', 'avgpool2d'],
    ['softmax', 'output'],
    ['Conv2d', 'conv2d'],
    ['lrelu', 'leakyrelu'],
    ['cat', 'concat'],
    ['relu6', 'relu6'],
    ['ReLU6', 'relu6'],
    ['swish', 'silu'],
    ['SiLU', 'silu'],
    ['h-swish', 'hardswish'],
    ['Hardswish', 'hardswish'],
    ['hard sigmoid', 'hardsigmoid'],
    ['mul', 'multiply'],
  ])('"%s" finds %s first', (q, type) => {
    expect(first(q)).toBe(type);
  });

  it('finds the ReLU family for relu7, which is no block of its own', () => {
    expect(types('relu7').slice(0, 3)).toEqual(['relu', 'relu6', 'leakyrelu']);
  });

  it('lists every pooling block for "pool" and both average pools for "avgpool"', () => {
    expect(types('pool')).toEqual(expect.arrayContaining(['maxpool2d', 'avgpool2d', 'globalavgpool']));
    expect(types('avgpool')).toEqual(['avgpool2d', 'globalavgpool']);
  });

  it('matches short names against names only, not inside description words', () => {
    expect(types('gap')).toEqual(['globalavgpool']);
    expect(types('bn')).toEqual(['batchnorm2d']);
  });

  it('names the alias a hit was found by, only when the label does not show the query', () => {
    expect(matchedAlias(getBlock('output')!, 'softmax')).toBe('softmax');
    expect(matchedAlias(getBlock('globalavgpool')!, 'AdaptiveAvg')).toBe('AdaptiveAvgPool2d');
    expect(matchedAlias(getBlock('dense')!, 'dense')).toBeNull();
    expect(matchedAlias(getBlock('maxpool2d')!, 'maxpool')).toBeNull();
    expect(matchedAlias(getBlock('leakyrelu')!, 'relu6')).toBeNull();
  });

  it('shows everything for an empty query and nothing for nonsense', () => {
    expect(searchBlocks(BLOCKS, '  ')).toHaveLength(BLOCKS.length);
    expect(searchBlocks(BLOCKS, 'zzqx')).toEqual([]);
  });

  it("declares aliases that differ from the block's own label and type", () => {
    for (const b of BLOCKS) {
      const own = new Set([normalizeName(b.label), normalizeName(b.type)]);
      for (const a of b.aliases ?? []) expect(own.has(normalizeName(a)), `${b.type}: alias "${a}"`).toBe(false);
    }
  });
});
