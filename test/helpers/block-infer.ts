/** Small helpers for the core tests. */
import { getBlock } from '../../core/blocks/index';
import { resolveParams } from '../../core/blocks/params';
import type { Params, Shape } from '../../core/graph/types';

export type InferOutcome = { shapes: Shape[] } | { codes: string[] };

/** Runs one block's shape rule (parameters resolved and checked as the analysis does). */
export function inferBlock(type: string, params: Params, inShapes: Shape[]): InferOutcome {
  const block = getBlock(type);
  if (!block || block.kind !== 'primitive') throw new Error(`no primitive block ${type}`);
  const { params: P, problems } = resolveParams(block.params, params);
  if (problems.length) return { codes: problems.map(() => 'invalid-param') };
  const r = block.infer(inShapes, P);
  return r.ok ? { shapes: r.shapes } : { codes: r.issues.map((i) => i.code) };
}
