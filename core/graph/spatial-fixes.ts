/**
 * "Use 'same' padding" fixes for a merge whose inputs differ in H×W: walk back from each of the
 * two inputs through blocks that keep H×W (activations, batch norm, dropout) to the conv or pool
 * that set it, and offer padding 'same' there when that makes the sizes agree.
 */
import type { Fix, ModelEdge, ModelNode, Params, Shape } from './types';
import type { BlockDef } from '../blocks/define';
import type { Primitive } from './expanded';

interface TopLike {
  node: ModelNode;
  block: BlockDef | undefined;
  params: Params;
  incoming: (ModelEdge | undefined)[];
}
type OutsLike = ReadonlyMap<string, ({ prim: Primitive; port: number } | null)[] | null>;

const KEEPS_HW = new Set(['relu', 'leakyrelu', 'sigmoid', 'tanh', 'dropout', 'batchnorm2d', 'lrn']);

export function spatialFixes(
  top: ReadonlyMap<string, TopLike>,
  outs: OutsLike,
  t: TopLike,
  port: number,
  ins: readonly { prim: Primitive; port: number }[],
): Fix[] {
  const fixes: Fix[] = [];
  const shapeOf = (j: number): Shape | undefined => ins[j]?.prim.outShapes[ins[j]!.port];
  for (const [j, other] of [
    [port, 0],
    [0, port],
  ] as const) {
    let e = t.incoming[j];
    let src: TopLike | undefined;
    for (let hops = 0; e && hops < 32; hops++) {
      src = top.get(e.from.node);
      if (!src || !KEEPS_HW.has(src.node.type)) break;
      e = src.incoming[0];
    }
    if (!src || !src.block || src.block.kind !== 'primitive' || !('padding' in src.params) || src.params.padding === 'same') continue;
    const prim = outs.get(src.node.id)?.[0]?.prim;
    const want = shapeOf(other);
    if (!prim || !want) continue;
    const res = src.block.infer(prim.inShapes as Shape[], { ...src.params, padding: 'same' });
    if (!res.ok) continue;
    const got = res.shapes[0]!;
    if (got[1] === want[1] && got[2] === want[2]) {
      fixes.push({ label: `Use 'same' padding in "${src.node.name}"`, ops: [{ op: 'setParam', node: src.node.id, param: 'padding', value: 'same' }] });
    }
  }
  return fixes;
}
