/** A one-block document around a mobile block, for the block tests: input -> block -> pool -> classes. */
import { analyze, type Analysis } from '../../../core/graph/analyze';
import { DocBuilder } from '../../../core/graph/doc-builder';
import type { ModelDocument, Params } from '../../../core/graph/types';

/** `flat`: a Flatten feeds the block (for its needs-image diagnostic). */
export function oneBlock(type: string, params: Params, [c, h, w]: [number, number, number], flat = false): ModelDocument {
  const b = new DocBuilder();
  b.then('input', 'input', { channels: c, height: h, width: w });
  if (flat) b.then('flat', 'flatten');
  b.then('blk', type, params);
  b.then('pool', 'globalavgpool');
  b.then('fc', 'output', { classes: 3 });
  return b.build();
}

export function analyzeOne(type: string, params: Params, input: [number, number, number]): Analysis {
  return analyze(oneBlock(type, params, input));
}

/** The block's primitives: relative name -> type. */
export function innerTypes(a: Analysis): Record<string, string> {
  return Object.fromEntries(a.graph.nodes.filter((p) => p.name.startsWith('blk.')).map((p) => [p.name.slice(4), p.type]));
}
