/**
 * The analysis of the current document (core/graph analyze: shapes, diagnostics, metrics), rerun
 * synchronously on every document change; core keeps it to a few milliseconds even for
 * ResNet-152. Derived indexes the canvas needs are built once per run here, and per-node views
 * are interned so unchanged nodes keep their object and do not re-render.
 */
import { create } from 'zustand';
import { analyze, type Analysis } from '../../core/graph/analyze';
import type { Primitive } from '../../core/graph/expanded';
import type { Diagnostic, ModelDocument } from '../../core/graph/types';
import { buildNodeView, sameView, type NodeView } from '../editor/node-view';
import { useDoc } from './document';

export interface AnalysisState {
  /** The document this analysis is of. */
  doc: ModelDocument;
  analysis: Analysis;
  views: Map<string, NodeView>;
  byNode: Map<string, Diagnostic[]>;
  primsByOrigin: Map<string, Primitive[]>;
  primById: Map<string, Primitive>;
  /** Milliseconds the last analysis took, and a short history for the perf bench. */
  lastMs: number;
  timings: number[];
}

export function deriveAnalysis(doc: ModelDocument, prevViews: Map<string, NodeView> | null): AnalysisState {
  const t0 = performance.now();
  const full = analyze(doc);
  const ms = performance.now() - t0;
  // An empty canvas is not a broken model: no "missing Input/Output" errors before the first block.
  const analysis = doc.nodes.length ? full : { ...full, diagnostics: [] };
  const byNode = new Map<string, Diagnostic[]>();
  for (const d of analysis.diagnostics) {
    if (!d.node) continue;
    const l = byNode.get(d.node);
    if (l) l.push(d);
    else byNode.set(d.node, [d]);
  }
  const primsByOrigin = new Map<string, Primitive[]>();
  const primById = new Map<string, Primitive>();
  for (const p of analysis.graph.nodes) {
    primById.set(p.id, p);
    const l = primsByOrigin.get(p.origin);
    if (l) l.push(p);
    else primsByOrigin.set(p.origin, [p]);
  }
  const env = { groups: new Map(doc.groups.map((g) => [g.id, g])) };
  const views = new Map<string, NodeView>();
  for (const n of doc.nodes) {
    const v = buildNodeView(n, analysis.nodes.get(n.id), byNode.get(n.id) ?? [], env);
    const old = prevViews?.get(n.id);
    views.set(n.id, old && sameView(old, v) ? old : v);
  }
  return { doc, analysis, views, byNode, primsByOrigin, primById, lastMs: ms, timings: [] };
}

export const useAnalysis = create<AnalysisState>(() => deriveAnalysis(useDoc.getState().doc, null));

useDoc.subscribe((s, prev) => {
  if (s.doc === prev.doc) return;
  const cur = useAnalysis.getState();
  const next = deriveAnalysis(s.doc, cur.views);
  next.timings = [...cur.timings, next.lastMs].slice(-200);
  useAnalysis.setState(next);
});
