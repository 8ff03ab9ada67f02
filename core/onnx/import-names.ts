/**
 * Block names for imported nodes, recovered from what exporters leave behind so that weight
 * names stay PyTorch's: an initializer `features.0.weight` names its block `features.0`; a
 * PyTorch 1.13+ node `/layer1/conv1/Conv` names it `layer1.conv1`.
 */
import { NAME_RE, sanitizeName } from '../graph/ids';

const WEIGHT_SUFFIX = /\.(weight|bias|running_mean|running_var)$/;

export function nameFromWeight(initializer: string | undefined): string | null {
  if (!initializer || !WEIGHT_SUFFIX.test(initializer)) return null;
  const base = initializer.replace(WEIGHT_SUFFIX, '');
  return NAME_RE.test(base) ? base : null;
}

/**
 * PyTorch 1.13+ names a node after the module path that emitted it: `/features/features.0/Conv`.
 * A module that emitted only this node (nn.Conv2d, nn.ReLU) names the block: `features.0`. A
 * module that emitted several (F.relu inside a ResNet block) gets the op appended:
 * `/layer1/Relu_1` -> `layer1.relu_1`. The studio's `layer1.relu1/Relu` -> `layer1.relu1`.
 * `Conv_12` (older exporters) gives null.
 */
export function nameFromNode(nodeName: string, moduleIsShared: (prefix: string) => boolean = () => false): string | null {
  if (!nodeName.startsWith('/')) {
    // The studio's own exports: `<block name>/<Op>` (layer1.relu1/Relu).
    const cut = nodeName.lastIndexOf('/');
    const base = cut > 0 ? nodeName.slice(0, cut) : '';
    return NAME_RE.test(base) ? base : null;
  }
  const segs = nodeName.split('/').filter((s) => s.length > 0);
  const op = segs.pop() ?? '';
  const parts: string[] = [];
  for (const s of segs) {
    const prev = parts[parts.length - 1];
    // torch nests module paths: /features/features.0/ is one module, features.0.
    if (prev !== undefined && s.startsWith(`${prev}.`)) parts[parts.length - 1] = s;
    else parts.push(s);
  }
  const prefix = nodeName.slice(0, nodeName.length - op.length);
  if (parts.length === 0 || moduleIsShared(prefix)) parts.push(op.toLowerCase());
  const name = sanitizeName(parts.join('.'));
  return NAME_RE.test(name) ? name : null;
}

/** For nameFromNode: whether a module path prefix ("/layer1/") stands for more than one node. */
export function modulePrefixCounts(nodeNames: string[]): (prefix: string) => boolean {
  const counts = new Map<string, number>();
  for (const n of nodeNames) {
    if (!n.startsWith('/')) continue;
    const prefix = n.slice(0, n.lastIndexOf('/') + 1);
    counts.set(prefix, (counts.get(prefix) ?? 0) + 1);
  }
  const prefixes = [...counts.keys()];
  // Shared: the module emitted several nodes, or has submodules that did (/stem/ over /stem/conv/).
  return (prefix) => (counts.get(prefix) ?? 0) > 1 || prefixes.some((p) => p.length > prefix.length && p.startsWith(prefix));
}

/** Hands out unique names, suffixing _2, _3, ... on collisions. */
export class UniqueNames {
  private readonly used = new Set<string>();

  take(base: string): string {
    const b = NAME_RE.test(base) ? base : sanitizeName(base);
    let n = b;
    for (let i = 2; this.used.has(n); i++) n = `${b}_${i}`;
    this.used.add(n);
    return n;
  }
}
