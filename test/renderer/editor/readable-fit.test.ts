import { describe, expect, it } from 'vitest';
import { MIN_FIT_ZOOM, START_ZOOM, readableStart, zoomToFit } from '../../../renderer/editor/readable-fit';

const view = { width: 800, height: 600 };

describe('automatic fit: the whole graph, or its start when the whole is too small to read', () => {
  it('a graph that fits at a readable zoom is fitted whole (null)', () => {
    expect(readableStart({ x: 0, y: 0, width: 600, height: 900 }, view, 0.1)).toBeNull();
    // GoogLeNet collapsed, ~21 %: still whole.
    expect(readableStart({ x: 0, y: 0, width: 300, height: 2_400 }, view, 0.1)).toBeNull();
  });

  it('a long column shows its top at the readable zoom, centred across', () => {
    // ResNet-50 after Expand all: ~250 px wide, ~12,000 px tall.
    const bounds = { x: -40, y: 100, width: 250, height: 12_000 };
    expect(zoomToFit(bounds, view, 0.1)).toBeLessThan(MIN_FIT_ZOOM);
    const v = readableStart(bounds, view, 0.1, 24)!;
    expect(v.zoom).toBe(START_ZOOM);
    // Screen position of a graph point p is p * zoom + offset.
    expect(bounds.y * v.zoom + v.y).toBe(24);
    const left = bounds.x * v.zoom + v.x;
    const right = (bounds.x + bounds.width) * v.zoom + v.x;
    expect(left + right).toBeCloseTo(view.width);
  });

  it('a graph wider than the view at that zoom starts at its left edge', () => {
    const bounds = { x: 300, y: -50, width: 4_000, height: 12_000 };
    const v = readableStart(bounds, view, 0.1, 24)!;
    expect(bounds.x * v.zoom + v.x).toBe(24);
    expect(bounds.y * v.zoom + v.y).toBe(24);
  });

  it('zoomToFit is what Fit gives: the tighter of the two axes, padding (a fraction of the view per side) included', () => {
    expect(zoomToFit({ x: 0, y: 0, width: 400, height: 100 }, view, 0)).toBe(2);
    expect(zoomToFit({ x: 0, y: 0, width: 400, height: 1200 }, view, 0)).toBe(0.5);
    const bare = zoomToFit({ x: 0, y: 0, width: 400, height: 960 }, view, 0);
    expect(bare).toBe(0.625);
    expect(zoomToFit({ x: 0, y: 0, width: 400, height: 960 }, view, 0.1)).toBeLessThan(bare);
  });
});
