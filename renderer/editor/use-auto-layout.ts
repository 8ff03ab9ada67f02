import { useEffect } from 'react';
import type { ModelDocument } from '../../core/graph/types';
import { autoLayout } from '../layout/auto-layout';
import { deriveAnalysis, useAnalysis } from '../state/analysis';
import { useDoc } from '../state/document';
import { moveNodes } from '../state/ops';
import { useUi } from '../state/ui';
import { nodeSize } from './node-size';
import { lastLayout } from '../perf-hooks';

/** Top-to-bottom layered positions for every top-level node (elkjs, in a worker). */
export async function layoutPositions(doc: ModelDocument): Promise<{ doc: ModelDocument; ms: number }> {
  // A document not open yet (a template being opened) is analysed here for its node sizes, so
  // it is drawn once, already laid out.
  const a = useAnalysis.getState().doc === doc ? useAnalysis.getState() : deriveAnalysis(doc, null);
  const nodes = doc.nodes.map((n) => ({ id: n.id, ...nodeSize(a.views.get(n.id), a.primsByOrigin.get(n.id)) }));
  const edges = doc.edges.map((e) => ({ id: e.id, source: e.from.node, target: e.to.node }));
  performance.mark('layout:sized');
  const { positions, ms } = await autoLayout(nodes, edges);
  performance.mark('layout:done');
  lastLayout.ms = ms;
  return { doc: moveNodes(doc, positions), ms };
}

/**
 * Runs auto-layout when asked (L, the toolbar, the menu) as one undoable step, then fits the view.
 * A layout is a change of view, not an edit: a saved project stays saved.
 */
export function useAutoLayout(): void {
  const request = useUi((s) => s.layoutRequest);
  useEffect(() => {
    if (!request) return;
    const start = useDoc.getState().doc;
    if (!start.nodes.length) return;
    useUi.getState().setLayoutBusy(true);
    layoutPositions(start)
      .then(({ doc }) => {
        const s = useDoc.getState();
        // An edit made while the worker ran wins: apply positions only to the document laid out.
        if (s.doc !== start) return;
        s.commit(doc, { view: true });
        useUi.getState().requestFit();
      })
      .catch((e: unknown) => useUi.getState().toast('error', e instanceof Error ? e.message : String(e)))
      .finally(() => useUi.getState().setLayoutBusy(false));
  }, [request]);
}
