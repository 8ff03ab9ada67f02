/**
 * Recovers the modules an imported network was written with: every residual unit and inception
 * module (a module whose blocks branch and merge again: a block that `mergesInputs`, Add or
 * Concat), and every module holding the `importPattern.members` of a composite block, becomes a user group
 * named after the module (`layer1.0`, `inc3a`), so the editor shows ResNet as its residual blocks
 * and GoogLeNet as its inception modules. Blocks inside keep their names relative to the module,
 * so every weight keeps its PyTorch name (`layer1.0.conv1.weight`).
 */
import { groupSelection } from '../graph/group-selection';
import type { ModelDocument } from '../graph/types';
import { BLOCKS, getBlock } from '../blocks/index';

function parentModule(name: string): string | null {
  const i = name.lastIndexOf('.');
  return i > 0 ? name.slice(0, i) : null;
}

/** No path leaves the selection and comes back into it (else the group would form a cycle). */
function isConvex(doc: ModelDocument, sel: ReadonlySet<string>): boolean {
  const succ = new Map<string, string[]>();
  for (const e of doc.edges) {
    const l = succ.get(e.from.node);
    if (l) l.push(e.to.node);
    else succ.set(e.from.node, [e.to.node]);
  }
  const seen = new Set<string>();
  const stack: string[] = [];
  for (const id of sel) for (const s of succ.get(id) ?? []) if (!sel.has(s)) stack.push(s);
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const s of succ.get(id) ?? []) {
      if (sel.has(s)) return false;
      stack.push(s);
    }
  }
  return true;
}

export function recoverModules(input: ModelDocument): { doc: ModelDocument; modules: string[] } {
  let doc = input;
  const modules: string[] = [];
  // Merge modules first, innermost first; a module that would swallow an already grouped one is
  // left as it is. Pattern modules come after, so one inside a merge module stays part of it.
  for (const m of [...mergeModules(doc), ...patternModules(doc)]) {
    if (modules.some((g) => g.startsWith(`${m}.`))) continue;
    const prefix = `${m}.`;
    const members = doc.nodes.filter((n) => n.name.startsWith(prefix) && n.type !== 'input' && n.type !== 'output' && n.type !== 'group');
    if (members.length < 2 || doc.nodes.some((n) => n.name === m)) continue;
    const sel = new Set(members.map((n) => n.id));
    if (!isConvex(doc, sel)) continue;
    const renamed: ModelDocument = { ...doc, nodes: doc.nodes.map((n) => (sel.has(n.id) ? { ...n, name: n.name.slice(prefix.length) } : n)) };
    const grouped = groupSelection(renamed, [...sel], m);
    const node = grouped.doc.nodes.find((n) => n.id === grouped.nodeId);
    // The group's name is the weights' prefix: if it had to change, the names would not match.
    if (node?.name !== m) continue;
    doc = grouped.doc;
    modules.push(m);
  }
  return { doc, modules };
}

/** Modules holding a merge block, innermost (longest name) first. */
function mergeModules(doc: ModelDocument): string[] {
  const found = new Set<string>();
  for (const n of doc.nodes) {
    if (getBlock(n.type)?.mergesInputs !== true) continue;
    const m = parentModule(n.name);
    if (m) found.add(m);
  }
  return [...found].sort((a, b) => b.length - a.length);
}

/** Modules that hold every member name of some composite block's import pattern, innermost first. */
function patternModules(doc: ModelDocument): string[] {
  const names = new Set(doc.nodes.map((n) => n.name));
  const found = new Set<string>();
  for (const b of BLOCKS) {
    const pattern = b.kind === 'composite' ? b.importPattern : undefined;
    for (const members of [pattern?.members ?? [], ...(pattern?.memberSets ?? [])]) {
      if (!members.length) continue;
      for (const n of doc.nodes) {
        const m: string | null = n.name.endsWith(`.${members[0]}`) ? n.name.slice(0, -members[0]!.length - 1) : null;
        if (m && members.every((k) => names.has(`${m}.${k}`))) found.add(m);
      }
    }
  }
  return [...found].sort((a, b) => b.length - a.length);
}
