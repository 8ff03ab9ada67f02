/** The canvas's state that is not the document: React Flow's node copies and the view requests. */
import { useCallback, useEffect, useState, type RefObject } from 'react';
import { applyNodeChanges, type NodeChange, type ReactFlowInstance } from '@xyflow/react';
import { useAnalysis } from '../state/analysis';
import { useDoc } from '../state/document';
import { useUi } from '../state/ui';
import type { FlowEdge, FlowNode } from './flow-model';
import { nodeSize } from './node-size';
import { readableStart } from './readable-fit';

const FIT_PADDING = 0.12;

/**
 * The model is the truth; local node state only adds what React Flow measures and drag positions
 * in flight. Unchanged nodes keep their local object (and its measured size).
 */
export function useFlowNodes(modelNodes: FlowNode[]): { nodes: FlowNode[]; onNodesChange: (changes: NodeChange<FlowNode>[]) => void } {
  const [nodes, setNodes] = useState<FlowNode[]>(modelNodes);
  useEffect(() => {
    setNodes((prev) => {
      const byId = new Map(prev.map((n) => [n.id, n]));
      return modelNodes.map((m) => {
        const p = byId.get(m.id);
        if (p && p.data === m.data && p.position === m.position && p.selected === m.selected && p.type === m.type) return p;
        return p?.measured && p.type === m.type ? ({ ...m, measured: p.measured } as FlowNode) : m;
      });
    });
  }, [modelNodes]);

  const onNodesChange = useCallback((changes: NodeChange<FlowNode>[]) => {
    const local = changes.filter((c) => c.type === 'position' || c.type === 'dimensions' || c.type === 'select');
    if (local.length) setNodes((ns) => applyNodeChanges(local, ns));
    const sel = changes.filter((c) => c.type === 'select');
    if (sel.length) {
      const s = useDoc.getState();
      const set = new Set(s.selection);
      for (const c of sel) {
        if (c.selected) set.add(c.id);
        else set.delete(c.id);
      }
      s.select([...set], s.selectedEdges);
    }
  }, []);
  return { nodes, onNodesChange };
}

/**
 * Fit requests (F, Fit, a new document) and reveal requests (an expanded block stays in view), run
 * after the new nodes reached React Flow (their state updates one render after the model).
 */
export function useViewRequests(rf: ReactFlowInstance<FlowNode, FlowEdge>, wrap: RefObject<HTMLDivElement | null>): void {
  const fitRequest = useUi((s) => s.fitRequest);
  const revealRequest = useUi((s) => s.revealRequest);

  // An empty canvas (New) starts at 100 %, the origin top left, whatever the last model's zoom was.
  // An automatic fit of a graph too long to read whole shows its start instead (readable-fit.ts).
  useEffect(() => {
    if (!fitRequest) return;
    const t = setTimeout(() => {
      if (useDoc.getState().doc.nodes.length === 0) return void rf.setViewport({ x: 0, y: 0, zoom: 1 });
      const box = wrap.current?.getBoundingClientRect();
      const start = useUi.getState().fitMode === 'readable' && box ? readableStart(rf.getNodesBounds(rf.getNodes()), box, FIT_PADDING) : null;
      if (start) void rf.setViewport(start, { duration: 250 });
      else void rf.fitView({ padding: FIT_PADDING, duration: 250, maxZoom: 1.2 });
    }, 60);
    return () => clearTimeout(t);
  }, [fitRequest, rf, wrap]);

  // When an expanded block no longer fits where it is, the view moves (and zooms out only as far as
  // needed) to show all of it.
  useEffect(() => {
    if (!revealRequest) return;
    const t = setTimeout(() => {
      const box = wrap.current?.getBoundingClientRect();
      const n = useDoc.getState().doc.nodes.find((x) => x.id === revealRequest.id);
      if (!box || !n) return;
      const a = useAnalysis.getState();
      const size = nodeSize(a.views.get(n.id), a.primsByOrigin.get(n.id));
      const { x, y, zoom } = rf.getViewport();
      const left = n.position.x * zoom + x;
      const top = n.position.y * zoom + y;
      if (left >= 0 && top >= 0 && left + size.width * zoom <= box.width && top + size.height * zoom <= box.height) return;
      void rf.fitView({ nodes: [{ id: n.id }], padding: 0.08, maxZoom: zoom, duration: 250 });
    }, 60);
    return () => clearTimeout(t);
  }, [revealRequest, rf, wrap]);
}
