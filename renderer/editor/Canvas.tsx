import { useCallback, useEffect, useMemo, useRef, type DragEvent, type RefObject } from 'react';
import { Background, BackgroundVariant, Controls, MiniMap, ReactFlow, useReactFlow, useStore, type ReactFlowState } from '@xyflow/react';
import type { Params } from '../../core/graph/types';
import { useAnalysis } from '../state/analysis';
import { addFromPalette } from '../state/commands';
import { useDoc } from '../state/document';
import { useUi } from '../state/ui';
import { BlockNode } from './BlockNode';
import { categoryColor } from './category-colors';
import { buildFlow, type FlowEdge, type FlowNode } from './flow-model';
import { FrameNode } from './FrameNode';
import { PrimNode } from './PrimNode';
import { ShapeEdge } from './ShapeEdge';
import { useAutoLayout } from './use-auto-layout';
import { EmptyCanvasHint } from './EmptyCanvasHint';
import { isValidConnection, onConnect, onConnectEnd, onEdgesChange, onNodeDoubleClick, onNodeDragStop } from './canvas-events';
import { useFlowNodes, useViewRequests } from './canvas-hooks';

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

export function Canvas() {
  const doc = useDoc((s) => s.doc);
  const selection = useDoc((s) => s.selection);
  const selectedEdges = useDoc((s) => s.selectedEdges);
  const analysis = useAnalysis();
  const theme = useUi((s) => s.theme);
  const showMinimap = useUi((s) => s.showMinimap);
  const rf = useReactFlow<FlowNode, FlowEdge>();
  const wrap = useRef<HTMLDivElement>(null);
  useAutoLayout();
  // Level of detail: zoomed out, shape labels and node details are unreadable anyway, and
  // skipping their paint keeps panning a 500-layer graph smooth.
  const zoomClass = useStore(lod);

  const model = useMemo(() => buildFlow(doc, analysis, new Set(selection), new Set(selectedEdges)), [doc, analysis, selection, selectedEdges]);
  const { nodes, onNodesChange } = useFlowNodes(model.nodes);
  useViewRequests(rf, wrap);

  const onDrop = useCallback(
    (e: DragEvent) => {
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
    },
    [rf],
  );

  return (
    <div
      className={`canvas ${zoomClass}`}
      ref={wrap}
      data-testid="canvas"
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes(BLOCK_MIME)) {
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
        }
      }}
      onDrop={onDrop}
    >
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
