/**
 * The layout inside an expanded composite's frame (renderer/editor/inner-layout.ts) on every
 * composite of four real templates: no two primitives overlap, each lies inside the frame below
 * its header, and every primitive sits on a lower row than the primitives that feed it.
 */
import '../../helpers/browser-stubs';
import { describe, expect, it } from 'vitest';
import { buildTemplate } from '../../../core/templates/index';
import { innerLayout, PRIM_H, PRIM_W } from '../../../renderer/editor/inner-layout';
import { nodeSize } from '../../../renderer/editor/node-size';
import { overlapCount } from '../../../renderer/layout/reflow';
import { deriveAnalysis } from '../../../renderer/state/analysis';

describe.each(['googlenet', 'resnet50', 'mobilenet_v2', 'efficientnet_b0'])('frames of %s', (id) => {
  const doc = buildTemplate(id);
  const expanded = { ...doc, nodes: doc.nodes.map((n) => ({ ...n, expanded: true })) };
  const a = deriveAnalysis(expanded, null);
  const composites = expanded.nodes.filter((n) => a.views.get(n.id)?.composite);

  it('has composites to check', () => {
    expect(composites.length).toBeGreaterThan(0);
  });

  it('no two primitives of a frame overlap, and each lies inside its frame', () => {
    for (const n of composites) {
      const prims = a.primsByOrigin.get(n.id)!;
      const l = innerLayout(prims);
      const boxes = prims.map((p) => ({ ...l.positions.get(p.id)!, width: PRIM_W, height: PRIM_H }));
      expect(overlapCount(boxes), n.name).toBe(0);
      for (const b of boxes) {
        expect(b.x, n.name).toBeGreaterThanOrEqual(0);
        expect(b.y, `${n.name}: below the header`).toBeGreaterThanOrEqual(64);
        expect(b.x + b.width, n.name).toBeLessThanOrEqual(l.width);
        expect(b.y + b.height, n.name).toBeLessThanOrEqual(l.height);
      }
      // The canvas and the layout size the frame the same way.
      expect(nodeSize(a.views.get(n.id), prims)).toEqual({ width: l.width, height: l.height });
    }
  });

  it('data flows down inside a frame: each primitive is below what feeds it', () => {
    for (const n of composites) {
      const prims = a.primsByOrigin.get(n.id)!;
      const l = innerLayout(prims);
      for (const p of prims)
        for (const i of p.inputs) {
          const from = l.positions.get(i.node);
          if (from) expect(l.positions.get(p.id)!.y, `${p.name} below ${i.node}`).toBeGreaterThan(from.y);
        }
    }
  });
});
