/**
 * Turns recovered module groups into the studio's own composite blocks when they are exactly
 * one: a group that expands to the same primitives (names, types, parameters, wiring, weight
 * shapes) as a Residual block or an Inception module becomes that block, with its parameters
 * (planes, stride, branch widths) editable. The check is by expansion, so a near miss (other
 * names, a conv bias, a missing batch norm) stays a group and nothing changes numerically.
 */
import { expandGraph } from '../graph/expand';
import type { ExpandedGraph } from '../graph/expanded';
import type { GroupDef, ModelDocument, ModelNode, Params } from '../graph/types';

type Candidate = { type: string; params: Params };

function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : Array.isArray(v) && v[0] === v[1] && typeof v[0] === 'number' ? v[0] : undefined;
}

function inner(def: GroupDef, name: string): ModelNode | undefined {
  return def.nodes.find((n) => n.name === name);
}

function residualCandidate(def: GroupDef): Candidate | null {
  const conv1 = inner(def, 'conv1');
  const conv2 = inner(def, 'conv2');
  const conv3 = inner(def, 'conv3');
  const bn1 = inner(def, 'bn1');
  if (!conv1 || !conv2 || !bn1 || !inner(def, 'add')) return null;
  const bottleneck = conv3 !== undefined;
  const planes = num(bottleneck ? conv1.params.filters : conv2.params.filters);
  const stride = num(bottleneck ? conv2.params.stride : conv1.params.stride) ?? 1;
  const eps = num(bn1.params.eps) ?? 1e-5;
  if (planes === undefined) return null;
  return { type: 'residual', params: { variant: bottleneck ? 'bottleneck' : 'basic', planes, stride, repeat: 1, eps } };
}

function inceptionCandidate(def: GroupDef): Candidate | null {
  const f = (n: string) => num(inner(def, `${n}.conv`)?.params.filters);
  const [n1x1, n3x3red, n3x3, n5x5red, n5x5, poolProj] = ['branch1', 'branch2.0', 'branch2.1', 'branch3.0', 'branch3.1', 'branch4.1'].map(f);
  const k = num(inner(def, 'branch3.1.conv')?.params.kernel);
  if ([n1x1, n3x3red, n3x3, n5x5red, n5x5, poolProj, k].some((v) => v === undefined)) return null;
  const bn = inner(def, 'branch1.bn');
  const params: Params = { n1x1: n1x1!, n3x3red: n3x3red!, n3x3: n3x3!, n5x5red: n5x5red!, n5x5: n5x5!, poolProj: poolProj!, branchKernel: k!, batchNorm: bn !== undefined };
  if (bn) params.eps = num(bn.params.eps) ?? 1e-3;
  return { type: 'inception', params };
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
    const params = Object.keys(p.params).sort().filter((k) => k !== 'momentum' && k !== 'ceilMode').map((k) => {
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
    for (const cand of [residualCandidate(def), inceptionCandidate(def)]) {
      if (!cand) continue;
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
