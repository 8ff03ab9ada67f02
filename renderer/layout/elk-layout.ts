/**
 * Layered top-to-bottom layout with elkjs: the same algorithm Netron-style graph views use, and
 * good at the branches of inception modules and residual stages. Runs inside the worker.
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import type { LayoutRequest, LayoutResponse } from './protocol';

const elk = new ELK();

export async function runLayout(req: LayoutRequest): Promise<LayoutResponse> {
  const t0 = performance.now();
  try {
    const ids = new Set(req.nodes.map((n) => n.id));
    const res = await elk.layout({
      id: 'root',
      layoutOptions: {
        'elk.algorithm': 'layered',
        'elk.direction': 'DOWN',
        'elk.layered.spacing.nodeNodeBetweenLayers': '56',
        'elk.spacing.nodeNode': '40',
        'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
        'elk.layered.crossingMinimization.strategy': 'LAYER_SWEEP',
        'elk.edgeRouting': 'SPLINES',
        // Keep the document's order where crossings allow: the first branch stays on the left.
        'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      },
      children: req.nodes.map((n) => ({ id: n.id, width: n.width, height: n.height })),
      edges: req.edges.filter((e) => ids.has(e.source) && ids.has(e.target)).map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
    });
    const positions: Record<string, { x: number; y: number }> = {};
    for (const c of res.children ?? []) positions[c.id] = { x: c.x ?? 0, y: c.y ?? 0 };
    return { seq: req.seq, ok: true, positions, ms: performance.now() - t0 };
  } catch (e) {
    return { seq: req.seq, ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
