/**
 * Display names for a model's layers as the user named the blocks. The graph builder names a node
 * `<block scope>/<OpType>` (GraphBuilder.fresh: "conv1/Conv", "inc3a/b1/Conv", a second conv in the
 * same block "res1/Conv_1"); people know the block, so the op suffix goes. Where one block holds
 * several such nodes, they are told apart by their order: "res1 (conv 1)", "res1 (conv 2)".
 */
export function blockLayerNames(nodeNames: readonly string[], opType: string): string[] {
  const suffix = new RegExp(`/${opType}(?:_\\d+)?$`);
  const stems = nodeNames.map((n) => (suffix.test(n) && n.replace(suffix, '') ? n.replace(suffix, '') : n));
  const total = new Map<string, number>();
  for (const s of stems) total.set(s, (total.get(s) ?? 0) + 1);
  const seen = new Map<string, number>();
  return stems.map((s) => {
    const count = total.get(s)!;
    if (count === 1) return s;
    const k = (seen.get(s) ?? 0) + 1;
    seen.set(s, k);
    return `${s} (${opType.toLowerCase()} ${k})`;
  });
}
