/** Messages between the UI and the layout worker. */
export interface LayoutNode {
  id: string;
  width: number;
  height: number;
}
export interface LayoutEdge {
  id: string;
  source: string;
  target: string;
}
export interface LayoutRequest {
  seq: number;
  nodes: LayoutNode[];
  edges: LayoutEdge[];
}
export type LayoutResponse =
  { seq: number; ok: true; positions: Record<string, { x: number; y: number }>; ms: number } | { seq: number; ok: false; error: string };
