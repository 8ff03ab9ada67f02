/**
 * Turns recovered module groups into the studio's own composite blocks when they are exactly
 * one: a group that expands to the same primitives (names, types, parameters, wiring, weight
 * shapes) as a composite block with an `importPattern` (define.ts; Residual block, Inception
 * module) becomes that block, with its parameters (planes, stride, branch widths) editable. The check is by expansion, so a near miss (other
 * names, a conv bias, a missing batch norm) stays a group and nothing changes numerically.
 */
import { expandGraph } from '../graph/expand';
import type { ExpandedGraph } from '../graph/expanded';
import type { GroupDef, ModelDocument, Params } from '../graph/types';
import { BLOCKS } from '../blocks/index';

type Candidate = { type: string; params: Params };

/** Every composite block whose import pattern reads parameters off this module. */
function candidates(def: GroupDef): Candidate[] {
  const out: Candidate[] = [];
  for (const b of BLOCKS) {
    const params = b.kind === 'composite' ? b.importPattern?.params(def) : null;
    if (params) out.push({ type: b.type, params });
  }
  return out;
}

/** Primitives by name with everything that decides the computation and the weights. */
function signature(g: ExpandedGraph): Map<string, string> {
  const byId = new Map(g.nodes.map((p) => [p.id, p]));
  const out = new Map<string, string>();
  for (const p of g.nodes) {
    if (!p.live) continue;
    // Parameters compared to float32 precision: a file's epsilon is 9.99999974e-6, the block's 1e-5.
    // Not compared: momentum (training only) and ceilMode, which the output shapes already pin
    // down (exports write ceil_mode only where it changes the size).
    const params = Object.keys(p.params)
      .sort()
      .filter((k) => k !== 'momentum' && k !== 'ceilMode')
      .map((k) => {
        const v = p.params[k];
        return `${k}=${typeof v === 'number' ? v.toPrecision(6) : JSON.stringify(v)}`;
      });
    const ins = p.inputs.map((r) => `${byId.get(r.node)?.name ?? '?'}:${r.port}`);
    const ws = p.weights.map((w) => `${w.name}[${w.shape.join(',')}]`);
    out.set(p.name, `${p.type}|${params.join(';')}|${ins.join(',')}|${ws.join(',')}|${p.outShapes.map((s) => s.join('x')).join(';')}`);
  }
  return out;
}

function sameSignature(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

export function recoverComposites(input: ModelDocument): { doc: ModelDocument; replaced: string[] } {
  let doc = input;
  const replaced: string[] = [];
  let reference: Map<string, string> | null = null;
  for (const node of input.nodes) {
    if (node.type !== 'group') continue;
    const def = doc.groups.find((g) => g.id === node.params.group);
    if (!def || def.inputs.length !== 1 || def.outputs.length !== 1) continue;
    for (const cand of candidates(def)) {
      const trial: ModelDocument = {
        ...doc,
        nodes: doc.nodes.map((n) => (n.id === node.id ? { ...n, type: cand.type, params: cand.params } : n)),
        groups: doc.groups.filter((g) => g.id !== def.id),
      };
      reference ??= signature(expandGraph(doc));
      const g = expandGraph(trial);
      if (!g.ok || !sameSignature(reference, signature(g))) continue;
      doc = trial;
      replaced.push(`${node.name} (${cand.type})`);
      reference = null;
      break;
    }
  }
  return { doc, replaced };
}
