/**
 * What the canvas does with React Flow's events, as plain functions of the document store: they
 * read the current state when called, so they need no React closure and keep stable identities.
 */
import type { Connection, EdgeChange, FinalConnectionState } from '@xyflow/react';
import { setExpanded } from '../state/commands';
import { useAnalysis } from '../state/analysis';
import { useDoc } from '../state/document';
import { connect, connectionProblem, moveNodes } from '../state/ops';
import { useUi } from '../state/ui';
import type { FlowEdge, FlowNode } from './flow-model';

/** Handle ids are `i<port>` / `o<port>`. */
export const portOf = (handle: string | null | undefined): number => Number((handle ?? 'x0').slice(1)) || 0;

export function onEdgesChange(changes: EdgeChange<FlowEdge>[]): void {
  const sel = changes.filter((c) => c.type === 'select');
  if (!sel.length) return;
  const s = useDoc.getState();
  const set = new Set(s.selectedEdges);
  for (const c of sel) {
    if (c.selected) set.add(c.id);
    else set.delete(c.id);
  }
  s.select(s.selection, [...set]);
}

export function onNodeDragStop(_e: unknown, _n: FlowNode, dragged: FlowNode[]): void {
  const positions = new Map(dragged.filter((n) => n.type !== 'prim').map((n) => [n.id, n.position]));
  const s = useDoc.getState();
  s.commit(moveNodes(s.doc, positions));
}

export function isValidConnection(c: Connection | FlowEdge): boolean {
  const s = useDoc.getState();
  return connectionProblem(s.doc, { node: c.source, port: portOf(c.sourceHandle) }, { node: c.target, port: portOf(c.targetHandle) }) === null;
}

export function onConnect(c: Connection): void {
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
}

/** Dropped on a handle that refuses it: say why, rather than silently snapping back. */
export function onConnectEnd(_e: MouseEvent | TouchEvent, st: FinalConnectionState): void {
  if (st.isValid || !st.toHandle || !st.fromHandle) return;
  const s = useDoc.getState();
  const fromIsSource = st.fromHandle.type === 'source';
  const src = fromIsSource ? st.fromHandle : st.toHandle;
  const dst = fromIsSource ? st.toHandle : st.fromHandle;
  if (src.type === dst.type) {
    useUi
      .getState()
      .toast(
        'error',
        src.type === 'source'
          ? 'Connect an output (bottom) to an input (top), not two outputs'
          : 'Connect an output (bottom) to an input (top), not two inputs',
      );
    return;
  }
  const problem = connectionProblem(s.doc, { node: src.nodeId, port: portOf(src.id) }, { node: dst.nodeId, port: portOf(dst.id) });
  if (problem) useUi.getState().toast('error', problem);
}

export function onNodeDoubleClick(_e: unknown, n: FlowNode): void {
  const v = useAnalysis.getState().views.get(n.id);
  if (!v?.composite) return;
  setExpanded(n.id, !v.expanded);
}
