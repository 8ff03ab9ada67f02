/**
 * Where an automatic fit (a project opened, Expand all, auto-layout) puts the view. Fitting a long
 * network whole (ResNet-50 after Expand all: 175 layers in one column, 5 % zoom) gives a drawing in
 * which no block can be told from another, so below MIN_FIT_ZOOM the view instead shows the
 * network's start at START_ZOOM, centred across when it is narrower than the view. A collapsed
 * GoogLeNet fitted whole (21 %, its names drawn larger when zoomed out: ZoomVariable) stays whole;
 * expanded (8 %) it opens at its start. The Fit button and F still fit
 * everything (the minimap shows the whole graph either way).
 */
import { getViewportForBounds, type Rect, type Viewport } from '@xyflow/react';

export const MIN_FIT_ZOOM = 0.15;
export const START_ZOOM = 0.6;

/** The zoom the Fit button would give: React Flow's own fit of `bounds` into `view` with `padding`, unclamped. */
export function zoomToFit(bounds: Rect, view: { width: number; height: number }, padding: number): number {
  return getViewportForBounds(bounds, view.width, view.height, 0, Infinity, padding).zoom;
}

/**
 * null when the whole graph fits at MIN_FIT_ZOOM or more (fit it whole); otherwise the viewport that
 * shows its top at START_ZOOM: the graph's top edge `margin` pixels below the view's, and its
 * horizontal centre in the view's centre when it fits across, else its left edge at `margin`.
 */
export function readableStart(bounds: Rect, view: { width: number; height: number }, padding: number, margin = 24): Viewport | null {
  if (zoomToFit(bounds, view, padding) >= MIN_FIT_ZOOM) return null;
  const zoom = START_ZOOM;
  const across = bounds.width * zoom;
  const x = across + 2 * margin <= view.width ? (view.width - across) / 2 - bounds.x * zoom : margin - bounds.x * zoom;
  return { x, y: margin - bounds.y * zoom, zoom };
}
