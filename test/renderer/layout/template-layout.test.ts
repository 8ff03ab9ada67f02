/**
 * Layout geometry on real templates: a template opened as the app opens it (elk's layered layout
 * through `layoutPositions`, the function the New model dialog awaits; in node there is no Worker,
 * so `autoLayout` runs `runLayout`, the function the worker runs, on this thread), then Expand all,
 * a block inserted, a fix applied and Collapse all: after each, no two top-level blocks overlap as
 * the canvas draws them, and undo restores every position exactly.
 */
import '../../helpers/browser-stubs';
import { describe, expect, it } from 'vitest';
import type { ModelDocument } from '../../../core/graph/types';
import { buildTemplate } from '../../../core/templates/index';
import { layoutPositions } from '../../../renderer/editor/use-auto-layout';
import { overlapCount } from '../../../renderer/layout/reflow';
import { useAnalysis } from '../../../renderer/state/analysis';
import { addFromPalette, applyFixWithRoom, redo, setAllExpanded, undo } from '../../../renderer/state/commands';
import { useDoc } from '../../../renderer/state/document';
import { setParam } from '../../../renderer/state/ops';
import { boxesOf } from '../../../renderer/state/placement';

const state = () => useDoc.getState();
/** Pairs of top-level blocks that overlap as the canvas draws the shown document. */
const overlaps = () => overlapCount([...boxesOf(state().doc, useAnalysis.getState()).values()]);
const positions = (doc: ModelDocument) => new Map(doc.nodes.map((n) => [n.id, n.position]));

/** Runs `step`; checks no overlaps after it, and that undo gives back the exact document and positions. */
function expectRoomAndExactUndo(what: string, step: () => void): void {
  const before = state().doc;
  step();
  expect(state().doc, `${what} changed the document`).not.toBe(before);
  expect(overlaps(), `overlapping pairs after ${what}`).toBe(0);
  const after = state().doc;
  undo();
  expect(state().doc).toBe(before);
  expect(positions(state().doc), `positions after undoing ${what}`).toEqual(positions(before));
  redo();
  expect(state().doc).toBe(after);
}

async function openLaidOut(id: string): Promise<void> {
  expect(typeof Worker, 'node has no Worker: autoLayout runs the worker function here').toBe('undefined');
  const { doc } = await layoutPositions(buildTemplate(id));
  state().load(doc, null);
}

describe.each(['googlenet', 'resnet50', 'mobilenet_v2', 'efficientnet_b0'])('layout of %s', (id) => {
  it('opened: elk leaves no overlaps', async () => {
    await openLaidOut(id);
    expect(overlaps()).toBe(0);
  });

  it('Expand all, insert a block, a fix, Collapse all: no overlaps after each, exact positions on undo', async () => {
    await openLaidOut(id);
    expectRoomAndExactUndo('Expand all', () => setAllExpanded(true));
    expect(state().doc.nodes.filter((n) => n.expanded).length, 'composites were expanded').toBeGreaterThan(0);

    // Insert: a Dropout after the middle block, wired in, with the blocks below moved down.
    const middle = state().doc.nodes[Math.floor(state().doc.nodes.length / 2)]!;
    state().select([middle.id]);
    expectRoomAndExactUndo('inserting a block', () => addFromPalette('dropout', null, { x: 0, y: 0 }));

    // A fix: the pooled features left 4-D make the classifier ask for a Flatten.
    const gap = state().doc.nodes.find((n) => n.type === 'globalavgpool')!;
    state().commit(setParam(state().doc, gap.id, 'flatten', false));
    const fix = [...useAnalysis.getState().byNode.values()]
      .flat()
      .flatMap((d) => d.fixes)
      .find((f) => f.label === 'Insert Flatten');
    expect(fix, 'the analysis offers Insert Flatten').toBeDefined();
    expectRoomAndExactUndo('Insert Flatten', () => applyFixWithRoom(fix!));

    expectRoomAndExactUndo('Collapse all', () => setAllExpanded(false));
  });

  it('auto-layout of the expanded model sizes each frame as drawn: no overlaps', async () => {
    await openLaidOut(id);
    setAllExpanded(true);
    const { doc } = await layoutPositions(state().doc);
    state().commit(doc, { view: true });
    expect(overlaps()).toBe(0);
  });
});
