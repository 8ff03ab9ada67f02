import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type RefObject } from 'react';
import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  applyNodeChanges,
  useReactFlow,
  useStore,
  type ReactFlowState,
  type Connection,
  type EdgeChange,
  type FinalConnectionState,
  type NodeChange,
} from '@xyflow/react';
import type { Params } from '../../core/graph/types';
import { useAnalysis } from '../state/analysis';
import { addFromPalette, setExpanded } from '../state/commands';
import { useDoc } from '../state/document';
import { connect, connectionProblem, moveNodes } from '../state/ops';
import { useUi } from '../state/ui';
import { BlockNode } from './BlockNode';
import { categoryColor } from './category-colors';
import { buildFlow, type FlowEdge, type FlowNode } from './flow-model';
import { FrameNode } from './FrameNode';
import { PrimNode } from './PrimNode';
import { ShapeEdge } from './ShapeEdge';
import { useAutoLayout } from './use-auto-layout';
import { EmptyCanvasHint } from './EmptyCanvasHint';
import { nodeSize } from './node-size';

const nodeTypes = { block: BlockNode, frame: FrameNode, prim: PrimNode };
const edgeTypes = { shape: ShapeEdge };
import { BLOCK_MIME } from './dnd';

/**
 * Level of detail. Below this zoom a block's details are smaller than 5 px on screen: only its
 * name is drawn, scaled up to stay readable (styles.css, `--zoom`), so a fitted GoogLeNet still
 * reads as named blocks rather than coloured bars.
 */
export const FAR_ZOOM = 0.4;
const lod = (s: ReactFlowState): string => (s.transform[2] < FAR_ZOOM ? 'lod-far' : '');
const zoomOf = (s: ReactFlowState): number => s.transform[2];

/** Keeps `--zoom` on the canvas element current, without re-rendering the canvas on every zoom step. */
function ZoomVariable({ target }: { target: RefObject<HTMLDivElement | null> }) {
  const zoom = useStore(zoomOf);
  useEffect(() => target.current?.style.setProperty('--zoom', String(zoom)), [zoom, target]);
  return null;
}

const portOf = (handle: string | null | undefined): number => Number((handle ?? 'x0').slice(1)) || 0;

export function Canvas() {
  const doc = useDoc((s) => s.doc);
  const selection = useDoc((s) => s.selection);
  const selectedEdges = useDoc((s) => s.selectedEdges);
  const analysis = useAnalysis();
  const theme = useUi((s) => s.theme);
  const showMinimap = useUi((s) => s.showMinimap);
  const fitRequest = useUi((s) => s.fitRequest);
  const revealRequest = useUi((s) => s.revealRequest);
  const rf = useReactFlow<FlowNode, FlowEdge>();
  const wrap = useRef<HTMLDivElement>(null);
  useAutoLayout();
  // Level of detail: zoomed out, shape labels and node details are unreadable anyway, and
  // skipping their paint keeps panning a 500-layer graph smooth.
  const zoomClass = useStore(lod);

  const model = useMemo(() => buildFlow(doc, analysis, new Set(selection), new Set(selectedEdges)), [doc, analysis, selection, selectedEdges]);
  const [nodes, setNodes] = useState<FlowNode[]>(model.nodes);

  // The model is the truth; local node state only adds what React Flow measures and drag
  // positions in flight. Unchanged nodes keep their local object (and its measured size).
  useEffect(() => {
    setNodes((prev) => {
      const byId = new Map(prev.map((n) => [n.id, n]));
      return model.nodes.map((m) => {
        const p = byId.get(m.id);
        if (p && p.data === m.data && p.position === m.position && p.selected === m.selected && p.type === m.type) return p;
        return p?.measured && p.type === m.type ? ({ ...m, measured: p.measured } as FlowNode) : m;
      });
    });
  }, [model.nodes]);

  // Fit after the new nodes reached React Flow (their state updates one render after the model).
  // An empty canvas (New) starts at 100 %, the origin top left, whatever the last model's zoom was.
  useEffect(() => {
    if (!fitRequest) return;
    const t = setTimeout(() => {
      if (useDoc.getState().doc.nodes.length === 0) void rf.setViewport({ x: 0, y: 0, zoom: 1 });
      else void rf.fitView({ padding: 0.12, duration: 250, maxZoom: 1.2 });
    }, 60);
    return () => clearTimeout(t);
  }, [fitRequest, rf]);

  // An expanded block stays in view: when it no longer fits where it is, the view moves (and
  // zooms out only as far as needed) to show all of it.
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
  }, [revealRequest, rf]);

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

  const onEdgesChange = useCallback((changes: EdgeChange<FlowEdge>[]) => {
    const sel = changes.filter((c) => c.type === 'select');
    if (!sel.length) return;
    const s = useDoc.getState();
    const set = new Set(s.selectedEdges);
    for (const c of sel) {
      if (c.selected) set.add(c.id);
      else set.delete(c.id);
    }
    s.select(s.selection, [...set]);
  }, []);

  const onNodeDragStop = useCallback((_e: unknown, _n: FlowNode, dragged: FlowNode[]) => {
    const positions = new Map(dragged.filter((n) => n.type !== 'prim').map((n) => [n.id, n.position]));
    const s = useDoc.getState();
    s.commit(moveNodes(s.doc, positions));
  }, []);

  const isValidConnection = useCallback((c: Connection | FlowEdge) => {
    const s = useDoc.getState();
    return connectionProblem(s.doc, { node: c.source, port: portOf(c.sourceHandle) }, { node: c.target, port: portOf(c.targetHandle) }) === null;
  }, []);

  const onConnect = useCallback((c: Connection) => {
    const s = useDoc.getState();
    const from = { node: c.source, port: portOf(c.sourceHandle) };
    const to = { node: c.target, port: portOf(c.targetHandle) };
    const problem = connectionProblem(s.doc, from, to);
    if (problem) {
      useUi.getState().toast('error', problem);
      return;
    }
    const r = connect(s.doc, from, to);
    s.commit(r.doc);
    if (r.replaced) {
      const name = s.doc.nodes.find((n) => n.id === r.replaced!.from.node)?.name ?? '?';
      useUi.getState().toast('info', `Replaced the connection from "${name}" (an input takes one connection)`);
    }
  }, []);

  // Dropped on a handle that refuses it: say why, rather than silently snapping back.
  const onConnectEnd = useCallback((_e: MouseEvent | TouchEvent, st: FinalConnectionState) => {
    if (st.isValid || !st.toHandle || !st.fromHandle) return;
    const s = useDoc.getState();
    const fromIsSource = st.fromHandle.type === 'source';
    const src = fromIsSource ? st.fromHandle : st.toHandle;
    const dst = fromIsSource ? st.toHandle : st.fromHandle;
    if (src.type === dst.type) {
      useUi.getState().toast('error', src.type === 'source' ? 'Connect an output (bottom) to an input (top), not two outputs' : 'Connect an output (bottom) to an input (top), not two inputs');
      return;
    }
    const problem = connectionProblem(s.doc, { node: src.nodeId, port: portOf(src.id) }, { node: dst.nodeId, port: portOf(dst.id) });
    if (problem) useUi.getState().toast('error', problem);
  }, []);

  const onDrop = useCallback((e: DragEvent) => {
    const type = e.dataTransfer.getData(BLOCK_MIME);
    if (!type) return;
    e.preventDefault();
    const p = rf.screenToFlowPosition({ x: e.clientX, y: e.clientY });
    // Project groups carry their parameters (which group) with the drag.
    let params: Params | undefined;
    try {
      const raw = e.dataTransfer.getData(`${BLOCK_MIME}-params`);
      if (raw) params = JSON.parse(raw) as Params;
    } catch {
      params = undefined;
    }
    addFromPalette(type, { x: p.x - 106, y: p.y - 30 }, p, params);
  }, [rf]);

  const onNodeDoubleClick = useCallback((_e: unknown, n: FlowNode) => {
    const v = useAnalysis.getState().views.get(n.id);
    if (!v?.composite) return;
    setExpanded(n.id, !v.expanded);
  }, []);

  return (
    <div className={`canvas ${zoomClass}`} ref={wrap} data-testid="canvas" onDragOver={(e) => { if (e.dataTransfer.types.includes(BLOCK_MIME)) { e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; } }} onDrop={onDrop}>
      <ReactFlow<FlowNode, FlowEdge>
        nodes={nodes}
        edges={model.edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onNodeDragStop={onNodeDragStop}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        onNodeDoubleClick={onNodeDoubleClick}
        colorMode={theme}
        deleteKeyCode={null}
        selectionOnDrag
        panOnDrag={[1, 2]}
        panActivationKeyCode="Space"
        multiSelectionKeyCode={['Shift', 'Meta', 'Control']}
        selectionKeyCode={null}
        onlyRenderVisibleElements
        minZoom={0.04}
        maxZoom={2.5}
        zoomOnDoubleClick={false}
        connectionRadius={28}
        proOptions={{ hideAttribution: true }}
        fitView
        fitViewOptions={{ padding: 0.15, maxZoom: 1.1 }}
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} />
        <ZoomVariable target={wrap} />
        <Controls showInteractive={false} position="bottom-left" />
        {showMinimap && (
          <MiniMap<FlowNode>
            position="bottom-right"
            pannable
            zoomable
            ariaLabel="Minimap"
            nodeColor={(n) => (n.type === 'prim' ? categoryColor('Convolution') : categoryColor(useAnalysis.getState().views.get(n.id)?.category ?? 'Unknown'))}
            nodeStrokeWidth={0}
            maskColor={theme === 'dark' ? 'rgba(10,12,16,0.6)' : 'rgba(240,242,246,0.6)'}
          />
        )}
      </ReactFlow>
      {doc.nodes.length === 0 && <EmptyCanvasHint />}
      <LayoutBusy />
    </div>
  );
}

function LayoutBusy() {
  const busy = useUi((s) => s.layoutBusy);
  return busy ? <div className="canvas-busy">Laying out…</div> : null;
}
