/**
 * Whole-graph analysis, run on every edit: validates the document, expands composites into
 * primitives (in dependency order, since a composite's expansion may depend on its input shape),
 * infers every shape, and computes weights and metrics. Problems become diagnostics with concrete
 * fixes; a failing node only blocks what depends on it, the rest is still inferred.
 */
import { getBlock } from '../blocks/index';
import type { BlockDef, BlockEnv, CompositeBlock, FixHint, Issue, PrimitiveBlock } from '../blocks/define';
import { size } from '../blocks/define';
import { resolveParams } from '../blocks/params';
import type { ExpandedGraph, ExpandedWeight, Primitive, PrimitiveRef } from './expanded';
import { NAME_RE, Namer, sanitizeName } from './ids';
import { IMAGE_RF, applyRf, merged } from './receptive-field';
import { spatialFixes } from './spatial-fixes';
import type { Diagnostic, DiagnosticCode, Fix, ModelDocument, ModelEdge, ModelNode, Params, PatchOp, ReceptiveField, Shape } from './types';

/** Per top-level document node, what the editor shows on it. */
export interface NodeReport {
  id: string;
  name: string;
  type: string;
  /** ok: inferred; error: has its own diagnostic; blocked: an input upstream failed. */
  status: 'ok' | 'error' | 'blocked';
  outShapes: (Shape | null)[];
  params: number;
  trainableParams: number;
  buffers: number;
  macs: number;
  otherOps: number;
  activationBytes: number;
  rf: ReceptiveField | null;
  /** Ids of the primitives it expanded to (itself for a primitive). */
  primitives: string[];
}

export interface Totals {
  /** Learnable parameters (torchvision's count). */
  params: number;
  trainableParams: number;
  nonTrainableParams: number;
  /** Buffer elements (batch norm running statistics): saved with the model, not learned. */
  buffers: number;
  /** Conv + dense multiply-accumulates per sample. */
  macs: number;
  otherOps: number;
  /** Float32 bytes of every layer's output for one sample (the input image included). */
  activationBytes: number;
}

export interface Analysis {
  ok: boolean;
  graph: ExpandedGraph;
  nodes: Map<string, NodeReport>;
  totals: Totals;
  diagnostics: Diagnostic[];
}

interface ValRef {
  prim: Primitive;
  port: number;
}
type Outs = (ValRef | null)[] | null;

interface Top {
  node: ModelNode;
  block: BlockDef | undefined;
  params: Params;
  ok: boolean;
  inPorts: number;
  outPorts: number;
  /** Incoming edge per input port. */
  incoming: (ModelEdge | undefined)[];
  status: NodeReport['status'];
}

const MAX_DEPTH = 8;

export function analyze(doc: ModelDocument): Analysis {
  try {
    return new Analyzer(doc).run();
  } catch (err) {
    // A malformed in-memory document (missing fields) must not take the editor down.
    const d: Diagnostic = {
      node: null,
      param: null,
      code: 'internal-error',
      severity: 'error',
      message: `the model could not be analyzed: ${err instanceof Error ? err.message : String(err)}`,
      fixes: [],
    };
    const totals: Totals = { params: 0, trainableParams: 0, nonTrainableParams: 0, buffers: 0, macs: 0, otherOps: 0, activationBytes: 0 };
    return {
      ok: false,
      graph: { ok: false, nodes: [], edges: [], inputs: [], outputs: [], weights: [], diagnostics: [d] },
      nodes: new Map(),
      totals,
      diagnostics: [d],
    };
  }
}

class Analyzer {
  private readonly env: BlockEnv;
  private readonly diags: Diagnostic[] = [];
  private readonly prims: Primitive[] = [];
  private readonly top = new Map<string, Top>();
  private readonly outs = new Map<string, Outs>();
  private readonly validEdges: ModelEdge[] = [];
  private namerCache: Namer | null = null;
  private readonly primNames = new Set<string>();

  constructor(private readonly doc: ModelDocument) {
    this.env = { groups: new Map((doc.groups ?? []).map((g) => [g.id, g])) };
  }

  private get namer(): Namer {
    return (this.namerCache ??= new Namer(this.doc));
  }

  private diag(
    code: DiagnosticCode,
    node: string | null,
    message: string,
    fixes: Fix[] = [],
    param: string | null = null,
    extra: Partial<Diagnostic> = {},
  ): void {
    const severity = code === 'unused-node' ? 'warning' : 'error';
    this.diags.push({ node, param, code, severity, message, fixes, ...extra });
  }

  run(): Analysis {
    this.checkNodes();
    this.checkEdges();
    const { order, cyclic } = this.sort();
    this.reportCycles(cyclic);
    for (const id of order) this.process(id);
    for (const id of cyclic) this.outs.set(id, null);
    this.checkEnds(order);
    return this.finish();
  }

  // ---- nodes, params and names ----------------------------------------------------------------

  private checkNodes(): void {
    for (const node of this.doc.nodes) {
      const block = getBlock(node.type);
      const t: Top = { node, block, params: {}, ok: true, inPorts: 0, outPorts: 0, incoming: [], status: 'ok' };
      this.top.set(node.id, t);
      if (!block) {
        t.ok = false;
        t.status = 'error';
        this.diag('unknown-block', node.id, `"${node.name}": there is no block type "${node.type}"`, [
          { label: 'Remove this block', ops: [{ op: 'removeNode', node: node.id }] },
        ]);
        continue;
      }
      const { params, problems } = resolveParams(block.params, node.params ?? {});
      t.params = params;
      for (const pr of problems) {
        const spec = block.params[pr.param];
        const fix: Fix = spec
          ? { label: `Reset ${spec.label} to ${JSON.stringify(spec.default)}`, ops: [{ op: 'setParam', node: node.id, param: pr.param, value: spec.default }] }
          : { label: `Remove "${pr.param}"`, ops: [{ op: 'removeParam', node: node.id, param: pr.param }] };
        this.diag('invalid-param', node.id, `"${node.name}": ${spec?.label ?? pr.param} ${pr.problem}`, [fix], pr.param);
      }
      if (problems.length) {
        t.ok = false;
        t.status = 'error';
      }
      t.inPorts = block.inputPorts(params, this.env).length;
      t.outPorts = block.outputPorts(params, this.env).length;
      if (!NAME_RE.test(node.name)) {
        const name = this.namer.name(sanitizeName(node.name));
        this.diag('invalid-name', node.id, `"${node.name}" is not a valid block name: use letters, digits, '_', '-' and '.' between parts`, [
          { label: `Rename to "${name}"`, ops: [{ op: 'renameNode', node: node.id, name }] },
        ]);
      }
    }
  }

  // ---- edges -----------------------------------------------------------------------------------

  private checkEdges(): void {
    const remove = (e: ModelEdge): Fix[] => [{ label: 'Remove this connection', ops: [{ op: 'removeEdge', edge: e.id }] }];
    for (const e of this.doc.edges) {
      const from = this.top.get(e.from.node);
      const to = this.top.get(e.to.node);
      if (!from || !to) {
        this.diag(
          'bad-edge',
          to ? e.to.node : from ? e.from.node : null,
          `connection ${e.id} refers to a missing block "${!from ? e.from.node : e.to.node}"`,
          remove(e),
        );
        continue;
      }
      if (!from.block || !to.block) continue; // reported as unknown-block
      if (e.from.port < 0 || e.from.port >= from.outPorts || e.to.port < 0 || e.to.port >= to.inPorts) {
        const bad =
          e.from.port >= from.outPorts || e.from.port < 0 ? `"${from.node.name}" has no output ${e.from.port}` : `"${to.node.name}" has no input ${e.to.port}`;
        this.diag('bad-edge', e.to.node, `connection ${e.id}: ${bad}`, remove(e));
        continue;
      }
      if (to.incoming[e.to.port]) {
        this.diag('duplicate-edge', e.to.node, `"${to.node.name}" input ${e.to.port} has more than one connection; an input takes one`, remove(e));
        continue;
      }
      to.incoming[e.to.port] = e;
      this.validEdges.push(e);
    }
  }

  /** Kahn's algorithm over the valid edges; what remains sits on or behind a cycle. */
  private sort(): { order: string[]; cyclic: string[] } {
    const indeg = new Map<string, number>();
    const next = new Map<string, string[]>();
    for (const n of this.doc.nodes) indeg.set(n.id, 0);
    for (const e of this.validEdges) {
      indeg.set(e.to.node, indeg.get(e.to.node)! + 1);
      const l = next.get(e.from.node);
      if (l) l.push(e.to.node);
      else next.set(e.from.node, [e.to.node]);
    }
    const queue: string[] = [];
    for (const n of this.doc.nodes) if (indeg.get(n.id) === 0) queue.push(n.id);
    const order: string[] = [];
    for (let i = 0; i < queue.length; i++) {
      const id = queue[i]!;
      order.push(id);
      for (const t of next.get(id) ?? []) {
        const d = indeg.get(t)! - 1;
        indeg.set(t, d);
        if (d === 0) queue.push(t);
      }
    }
    const done = new Set(order);
    return { order, cyclic: this.doc.nodes.filter((n) => !done.has(n.id)).map((n) => n.id) };
  }

  /** One diagnostic per cycle (strongly connected component), fixed by removing its back edge. */
  private reportCycles(rest: string[]): void {
    if (!rest.length) return;
    const inRest = new Set(rest);
    const adj = new Map<string, ModelEdge[]>();
    for (const e of this.validEdges) {
      if (!inRest.has(e.from.node) || !inRest.has(e.to.node)) continue;
      const l = adj.get(e.from.node);
      if (l) l.push(e);
      else adj.set(e.from.node, [e]);
    }
    // Tarjan's strongly connected components.
    let index = 0;
    const idx = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const on = new Set<string>();
    const comps: string[][] = [];
    const visit = (v: string): void => {
      idx.set(v, index);
      low.set(v, index++);
      stack.push(v);
      on.add(v);
      for (const e of adj.get(v) ?? []) {
        const w = e.to.node;
        if (!idx.has(w)) {
          visit(w);
          low.set(v, Math.min(low.get(v)!, low.get(w)!));
        } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
      if (low.get(v) === idx.get(v)) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          on.delete(w);
          comp.push(w);
        } while (w !== v);
        comps.push(comp);
      }
    };
    for (const v of rest) if (!idx.has(v)) visit(v);
    const docIndex = new Map(this.doc.nodes.map((n, i) => [n.id, i]));
    for (const comp of comps) {
      const members = new Set(comp);
      const inner = this.validEdges.filter((e) => members.has(e.from.node) && members.has(e.to.node));
      if (!inner.length) continue;
      // The back edge: from the block placed last to one placed earlier (or a self-loop).
      const back = inner.reduce((best, e) => {
        const score = docIndex.get(e.from.node)! - docIndex.get(e.to.node)!;
        const bestScore = docIndex.get(best.from.node)! - docIndex.get(best.to.node)!;
        return score > bestScore ? e : best;
      });
      const names = comp
        .map((id) => `"${this.top.get(id)!.node.name}"`)
        .reverse()
        .join(' → ');
      this.diag('cycle', back.to.node, `cycle through ${names}: data cannot flow in a loop`, [
        {
          label: `Remove the connection ${this.top.get(back.from.node)!.node.name} → ${this.top.get(back.to.node)!.node.name}`,
          ops: [{ op: 'removeEdge', edge: back.id }],
        },
      ]);
      for (const id of comp) this.top.get(id)!.status = 'error';
    }
    for (const id of rest) if (this.top.get(id)!.status === 'ok') this.top.get(id)!.status = 'blocked';
  }

  // ---- shape inference ---------------------------------------------------------------------------

  private process(id: string): void {
    const t = this.top.get(id)!;
    if (!t.ok || !t.block) {
      this.outs.set(id, null);
      return;
    }
    const ins: ValRef[] = [];
    let missing = false;
    let blocked = false;
    for (let p = 0; p < t.inPorts; p++) {
      const e = t.incoming[p];
      if (!e) {
        this.reportUnconnected(t, p);
        missing = true;
        continue;
      }
      const src = this.outs.get(e.from.node)?.[e.from.port];
      if (!src) blocked = true;
      else ins.push(src);
    }
    if (missing || blocked) {
      t.status = missing ? 'error' : 'blocked';
      this.outs.set(id, null);
      return;
    }
    let outs: Outs;
    try {
      outs =
        t.block.kind === 'primitive'
          ? this.primitive(id, t.node.name, t.block, t.params, id, ins, t.node.frozen === true, t)
          : this.composite(t.block, t.params, ins, t.node.name, id, id, 0, t.node.frozen === true, t);
    } catch (err) {
      this.diag('internal-error', id, `"${t.node.name}": ${err instanceof Error ? err.message : String(err)}`);
      outs = null;
    }
    if (!outs) t.status = 'error';
    this.outs.set(id, outs);
  }

  private primitive(id: string, name: string, block: PrimitiveBlock, params: Params, origin: string, ins: ValRef[], frozen: boolean, top: Top | null): Outs {
    const inShapes = ins.map((r) => r.prim.outShapes[r.port]!);
    const res = block.infer(inShapes, params);
    if (!res.ok) {
      for (const issue of res.issues) this.report(issue, origin, top, top ? null : name, ins);
      return null;
    }
    const outShapes = res.shapes;
    const weights: ExpandedWeight[] = [];
    let paramCount = 0;
    let bufferCount = 0;
    for (const w of block.weights(inShapes, outShapes, params)) {
      const n = size(w.shape);
      if (w.role === 'param') paramCount += n;
      else bufferCount += n;
      weights.push({
        name: `${name}.${w.suffix}`,
        node: id,
        suffix: w.suffix,
        shape: w.shape,
        init: w.init,
        role: w.role,
        trainable: w.role === 'param' && !frozen,
      });
    }
    const cost = block.cost(inShapes, outShapes, params);
    let act = 0;
    for (const s of outShapes) act += size(s) * 4;
    let rf = IMAGE_RF;
    let rfW = IMAGE_RF;
    if (ins.length) {
      const rule = block.receptive(inShapes, params);
      const extent = (axis: number) => inShapes.map((sh) => (sh.length === 3 ? sh[axis]! : 1));
      const hIn = merged(
        ins.map((r) => r.prim.rf),
        extent(1),
      );
      const wIn = merged(
        ins.map((r) => r.prim.rfW),
        extent(2),
      );
      rf = applyRf(rule, inShapes[0], hIn, 0);
      rfW = applyRf(rule, inShapes[0], wIn, 1);
    }
    if (this.primNames.has(name)) {
      const t = this.top.get(origin)!;
      const fresh = this.namer.name(sanitizeName(t.node.name));
      this.diag(
        'duplicate-name',
        origin,
        `the name "${name}" is used twice; weight names must be unique`,
        [{ label: `Rename to "${fresh}"`, ops: [{ op: 'renameNode', node: origin, name: fresh }] }],
        null,
        top ? {} : { path: name },
      );
    }
    this.primNames.add(name);
    const prim: Primitive = {
      id,
      name,
      type: block.type,
      block,
      params,
      origin,
      inputs: ins.map((r): PrimitiveRef => ({ node: r.prim.id, port: r.port })),
      inShapes,
      outShapes,
      weights,
      paramCount,
      bufferCount,
      macs: cost.macs,
      otherOps: cost.otherOps,
      activationBytes: act,
      rf,
      rfW,
      live: false,
      frozen,
    };
    this.prims.push(prim);
    return outShapes.map((_, port) => ({ prim, port }));
  }

  private composite(
    block: CompositeBlock,
    params: Params,
    ins: ValRef[],
    name: string,
    idPrefix: string,
    origin: string,
    depth: number,
    frozen: boolean,
    top: Top | null,
  ): Outs {
    if (depth >= MAX_DEPTH) {
      this.diag('group-recursion', origin, `"${name}": composites nest more than ${MAX_DEPTH} deep (a group that contains itself?)`, [], null, { path: name });
      return null;
    }
    const inShapes = ins.map((r) => r.prim.outShapes[r.port]!);
    const sub = block.expand(inShapes, params, this.env);
    if (Array.isArray(sub)) {
      for (const issue of sub) this.report(issue, origin, top, top ? null : name, ins);
      return null;
    }
    const local = new Map<string, Outs>();
    const resolve = (r: { input: number } | { node: string; port: number } | null): ValRef | null => {
      if (!r) return null;
      if ('input' in r) return ins[r.input] ?? null;
      return local.get(r.node)?.[r.port] ?? null;
    };
    for (const sn of sub.nodes) {
      const full = `${name}.${sn.name}`;
      const b = getBlock(sn.type);
      if (!b) {
        this.diag('unknown-block', origin, `${full}: there is no block type "${sn.type}"`, [], null, { path: full });
        local.set(sn.name, null);
        continue;
      }
      const { params: rp, problems } = resolveParams(b.params, sn.params);
      if (problems.length) {
        for (const pr of problems)
          this.diag('invalid-param', origin, `${full}: ${b.params[pr.param]?.label ?? pr.param} ${pr.problem}`, [], null, { path: full });
        local.set(sn.name, null);
        continue;
      }
      const nPorts = b.inputPorts(rp, this.env).length;
      const subIns: ValRef[] = [];
      let ok = true;
      for (let p = 0; p < nPorts; p++) {
        const ref = sn.inputs[p] ?? null;
        const v = resolve(ref);
        if (!ref) {
          this.diag('unconnected-input', origin, `${full}: input ${p} is not connected inside the group`, [], null, { path: full });
          ok = false;
        } else if (!v) ok = false;
        else subIns.push(v);
      }
      if (!ok) {
        local.set(sn.name, null);
        continue;
      }
      const id = `${idPrefix}/${sn.name}`;
      local.set(
        sn.name,
        b.kind === 'primitive'
          ? this.primitive(id, full, b, rp, origin, subIns, frozen, null)
          : this.composite(b, rp, subIns, full, id, origin, depth + 1, frozen, null),
      );
    }
    const outs = sub.outputs.map(resolve);
    return outs.some((o) => !o) ? null : outs;
  }

  /** A block rule's issue as a diagnostic; fixes only for top-level nodes (they patch the document). */
  private report(issue: Issue, origin: string, top: Top | null, path: string | null, ins: ValRef[]): void {
    const t = this.top.get(origin)!;
    const fixes = top ? (issue.hints ?? []).map((h) => this.hintToFix(h, top)).filter((f): f is Fix => f !== null) : [];
    if (top && issue.code === 'spatial-mismatch' && issue.port !== undefined) {
      fixes.unshift(...spatialFixes(this.top, this.outs, top, issue.port, ins));
    }
    const who = path ?? t.node.name;
    this.diag(issue.code, origin, `"${who}": ${issue.message}`, fixes, issue.param ?? null, path ? { path } : {});
  }

  private hintToFix(h: FixHint, t: Top): Fix | null {
    if (h.kind === 'setParam') return { label: h.label, ops: [{ op: 'setParam', node: t.node.id, param: h.param, value: h.value }] };
    const chain = h.kind === 'insertBefore' ? [{ type: h.type, name: h.name, params: h.params }] : h.chain;
    const e = t.incoming[h.port];
    if (!e) return null;
    const src = this.top.get(e.from.node)!.node;
    const ops: PatchOp[] = [{ op: 'removeEdge', edge: e.id }];
    let prev = e.from;
    chain.forEach((c, i) => {
      const k = (i + 1) / (chain.length + 1);
      const id = this.namer.id(`${t.node.id}_${c.name}`);
      ops.push({
        op: 'addNode',
        node: {
          id,
          type: c.type,
          name: this.namer.name(c.name),
          params: c.params,
          position: { x: src.position.x + (t.node.position.x - src.position.x) * k, y: src.position.y + (t.node.position.y - src.position.y) * k },
        },
      });
      ops.push({ op: 'addEdge', edge: { id: this.namer.id(`${id}_in`), from: prev, to: { node: id, port: 0 } } });
      prev = { node: id, port: 0 };
    });
    ops.push({ op: 'addEdge', edge: { id: this.namer.id(`${t.node.id}_in${h.port}`), from: prev, to: { node: t.node.id, port: h.port } } });
    return { label: h.label, ops };
  }

  private reportUnconnected(t: Top, port: number): void {
    const fixes: Fix[] = [];
    const connected = t.incoming.filter(Boolean).length;
    const merge = t.block?.mergesInputs === true;
    const tailFree = t.incoming.slice(connected).every((e) => !e) && t.incoming.slice(0, connected).every(Boolean);
    if (merge && connected >= 2 && tailFree) {
      fixes.push({ label: `Use ${connected} inputs`, ops: [{ op: 'setParam', node: t.node.id, param: 'inputs', value: connected }] });
    }
    const src = this.nearestFreeOutput(t);
    if (src) {
      fixes.push({
        label: `Connect "${src.name}" here`,
        ops: [{ op: 'addEdge', edge: { id: this.namer.id(`${src.id}_${t.node.id}`), from: { node: src.id, port: 0 }, to: { node: t.node.id, port } } }],
      });
    }
    fixes.push({ label: 'Remove this block', ops: [{ op: 'removeNode', node: t.node.id }] });
    const portName = t.block!.inputPorts(t.params, this.env)[port] ?? String(port);
    this.diag('unconnected-input', t.node.id, `"${t.node.name}": input ${portName} is not connected`, fixes, null);
  }

  /** The closest block (by editor position) whose output feeds nothing and does not depend on `t`. */
  private nearestFreeOutput(t: Top): ModelNode | null {
    const feeds = new Set(this.validEdges.map((e) => e.from.node));
    const downstream = new Set<string>([t.node.id]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const e of this.validEdges)
        if (downstream.has(e.from.node) && !downstream.has(e.to.node)) {
          downstream.add(e.to.node);
          grew = true;
        }
    }
    let best: ModelNode | null = null;
    let bestD = Infinity;
    for (const [id, o] of this.top) {
      if (downstream.has(id) || feeds.has(id) || !o.block || o.outPorts === 0 || o.node.type === 'output') continue;
      const d = Math.hypot(o.node.position.x - t.node.position.x, o.node.position.y - t.node.position.y);
      if (d < bestD) {
        bestD = d;
        best = o.node;
      }
    }
    return best;
  }

  // ---- graph-level checks ------------------------------------------------------------------------

  private checkEnds(order: string[]): void {
    const ofType = (type: string) => this.doc.nodes.filter((n) => n.type === type);
    const pos = (dx: number, n?: ModelNode) => ({ x: (n?.position.x ?? 0) + dx, y: n?.position.y ?? 0 });
    if (!ofType('input').length) {
      const id = this.namer.id('input');
      const target = this.doc.nodes.find((n) => {
        const t = this.top.get(n.id)!;
        return t.block && t.inPorts > 0 && !t.incoming.some(Boolean);
      });
      const ops: PatchOp[] = [{ op: 'addNode', node: { id, type: 'input', name: this.namer.name('input'), params: {}, position: pos(-200, target) } }];
      if (target) ops.push({ op: 'addEdge', edge: { id: this.namer.id(`${id}_${target.id}`), from: { node: id, port: 0 }, to: { node: target.id, port: 0 } } });
      this.diag('no-input', null, 'the model has no Input block', [{ label: target ? `Add an Input feeding "${target.name}"` : 'Add an Input', ops }]);
    }
    if (!ofType('output').length) {
      const feeds = new Set(this.validEdges.map((e) => e.from.node));
      const sinks = order.filter((id) => {
        const t = this.top.get(id)!;
        return t.block && t.outPorts > 0 && !feeds.has(id);
      });
      const ok = sinks.filter((id) => this.outs.get(id));
      const srcId = ok[ok.length - 1] ?? sinks[sinks.length - 1];
      const src = srcId ? this.top.get(srcId)!.node : undefined;
      const id = this.namer.id('output');
      const ops: PatchOp[] = [{ op: 'addNode', node: { id, type: 'output', name: this.namer.name('fc'), params: {}, position: pos(200, src) } }];
      if (src) ops.push({ op: 'addEdge', edge: { id: this.namer.id(`${src.id}_${id}`), from: { node: src.id, port: 0 }, to: { node: id, port: 0 } } });
      this.diag('no-output', null, 'the model has no Output block', [{ label: src ? `Add an Output after "${src.name}"` : 'Add an Output', ops }]);
    } else {
      // Blocks that no Output depends on are neither exported nor trained.
      const reach = new Set(ofType('output').map((n) => n.id));
      const stack = [...reach];
      while (stack.length) {
        const id = stack.pop()!;
        for (const e of this.top.get(id)?.incoming ?? [])
          if (e && !reach.has(e.from.node)) {
            reach.add(e.from.node);
            stack.push(e.from.node);
          }
      }
      for (const n of this.doc.nodes) {
        if (reach.has(n.id)) continue;
        this.diag('unused-node', n.id, `"${n.name}" does not lead to the Output, so it is neither trained nor exported`, [
          { label: 'Remove this block', ops: [{ op: 'removeNode', node: n.id }] },
        ]);
      }
    }
  }

  private finish(): Analysis {
    // Live primitives: everything an Output depends on.
    const byId = new Map(this.prims.map((p) => [p.id, p]));
    const outputs = this.prims.filter((p) => p.type === 'output');
    const stack = [...outputs];
    for (const o of outputs) o.live = true;
    while (stack.length) {
      const p = stack.pop()!;
      for (const r of p.inputs) {
        const q = byId.get(r.node)!;
        if (!q.live) {
          q.live = true;
          stack.push(q);
        }
      }
    }
    const nodes = new Map<string, NodeReport>();
    for (const [id, t] of this.top) {
      nodes.set(id, {
        id,
        name: t.node.name,
        type: t.node.type,
        status: t.status,
        outShapes: Array.from({ length: t.outPorts }, (_, i) => this.outs.get(id)?.[i]?.prim.outShapes[this.outs.get(id)![i]!.port] ?? null),
        params: 0,
        trainableParams: 0,
        buffers: 0,
        macs: 0,
        otherOps: 0,
        activationBytes: 0,
        rf: this.outs.get(id)?.[0]?.prim.rf ?? null,
        primitives: [],
      });
    }
    const totals: Totals = { params: 0, trainableParams: 0, nonTrainableParams: 0, buffers: 0, macs: 0, otherOps: 0, activationBytes: 0 };
    const weights: ExpandedWeight[] = [];
    const edges: ExpandedGraph['edges'] = [];
    for (const p of this.prims) {
      const r = nodes.get(p.origin)!;
      let trainable = 0;
      for (const w of p.weights) if (w.trainable) trainable += size(w.shape);
      r.params += p.paramCount;
      r.trainableParams += trainable;
      r.buffers += p.bufferCount;
      r.macs += p.macs;
      r.otherOps += p.otherOps;
      r.activationBytes += p.activationBytes;
      r.primitives.push(p.id);
      totals.params += p.paramCount;
      totals.trainableParams += trainable;
      totals.buffers += p.bufferCount;
      totals.macs += p.macs;
      totals.otherOps += p.otherOps;
      totals.activationBytes += p.activationBytes;
      if (p.live) for (const w of p.weights) weights.push(w);
      p.inputs.forEach((from, port) => edges.push({ from, to: { node: p.id, port } }));
    }
    totals.nonTrainableParams = totals.params - totals.trainableParams;
    const ok = !this.diags.some((d) => d.severity === 'error');
    const graph: ExpandedGraph = {
      ok,
      nodes: this.prims,
      edges,
      inputs: this.prims.filter((p) => p.type === 'input').map((p) => p.id),
      outputs: outputs.map((p) => p.id),
      weights,
      diagnostics: this.diags,
    };
    return { ok, graph, nodes, totals, diagnostics: this.diags };
  }
}
