/**
 * The document store's history (renderer/state/document.ts) and the commands not covered in
 * document-commands.test.ts: freezing a block, a dropped block, the dataset's class count, and
 * an auto-layout. Each: undo gives the very document before, redo the very one after, and the
 * unsaved mark follows. Then the history's own rules: typing coalesces within 1.2 s only, a new
 * edit drops the redo list, undo at the start does nothing, and a deleted block leaves the selection.
 */
import '../../helpers/browser-stubs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ModelDocument } from '../../../core/graph/types';
import { layoutPositions } from '../../../renderer/editor/use-auto-layout';
import { addFromPalette, deleteSelection, redo, undo } from '../../../renderer/state/commands';
import { isDirty, useDoc } from '../../../renderer/state/document';
import { setParam, updateNode } from '../../../renderer/state/ops';
import { matchModelToData } from '../../../renderer/studio/model-io';
import { loadChain } from '../../helpers/renderer-doc';

const state = () => useDoc.getState();
const dirty = () => isDirty(state());
const node = (id: string) => state().doc.nodes.find((n) => n.id === id)!;

/** Applies `edit`, then checks undo and redo give the exact documents and unsaved marks. */
function roundTrip(edit: () => void, expectDirty: boolean): { before: ModelDocument; after: ModelDocument } {
  const before = state().doc;
  edit();
  const after = state().doc;
  expect(after).not.toBe(before);
  expect(dirty()).toBe(expectDirty);
  undo();
  expect(state().doc).toBe(before);
  expect(dirty()).toBe(false);
  redo();
  expect(state().doc).toBe(after);
  expect(dirty()).toBe(expectDirty);
  return { before, after };
}

beforeEach(() => {
  loadChain(['input', 'conv2d', 'relu', 'flatten', 'dense', 'output']);
});
afterEach(() => vi.useRealTimers());

describe('commands: one undo step each, unsaved mark included', () => {
  it('freeze a block (the inspector checkbox)', () => {
    roundTrip(() => state().commit(updateNode(state().doc, 'conv', { frozen: true })), true);
    expect(node('conv').frozen).toBe(true);
  });

  it('a block dropped at a point of the canvas keeps that point and is not wired', () => {
    const { after } = roundTrip(() => addFromPalette('dropout', { x: 600, y: 40 }, { x: 0, y: 0 }), true);
    const dropped = after.nodes.at(-1)!;
    expect(dropped).toMatchObject({ type: 'dropout', position: { x: 600, y: 40 } });
    expect(after.edges).toBe(state().doc.edges);
  });

  it("a dataset's class count reaches the Output block as one edit", () => {
    roundTrip(() => matchModelToData({ classes: 3, channels: 1, height: 28, width: 28 }), true);
    expect(node('output').params.classes).toBe(3);
    expect(node('input').params).toMatchObject({ channels: 1, height: 28, width: 28 });
    const before = state().doc;
    matchModelToData({ classes: 3 });
    expect(state().doc, 'a count already right is no edit').toBe(before);
  });

  it('auto-layout (L) is a change of view: one step, the project stays saved', async () => {
    const { doc } = await layoutPositions(state().doc);
    roundTrip(() => state().commit(doc, { view: true }), false);
    const ys = state().doc.nodes.map((n) => n.position.y);
    expect(
      [...ys].sort((a, b) => a - b),
      'a chain laid out top to bottom',
    ).toEqual(ys);
  });
});

describe('history rules', () => {
  it('edits of one field within 1.2 s are one step; after a pause, a new one', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const start = state().doc;
    state().commit(setParam(state().doc, 'conv', 'filters', 3), { coalesce: 'conv.filters' });
    vi.advanceTimersByTime(1100);
    state().commit(setParam(state().doc, 'conv', 'filters', 32), { coalesce: 'conv.filters' });
    const typed = state().doc;
    vi.advanceTimersByTime(1300);
    state().commit(setParam(state().doc, 'conv', 'filters', 64), { coalesce: 'conv.filters' });
    undo();
    expect(state().doc).toBe(typed);
    undo();
    expect(state().doc).toBe(start);
  });

  it('edits of different fields are separate steps even when quick', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    state().commit(setParam(state().doc, 'conv', 'filters', 32), { coalesce: 'conv.filters' });
    const one = state().doc;
    state().commit(setParam(state().doc, 'conv', 'groups', 2), { coalesce: 'conv.groups' });
    undo();
    expect(state().doc).toBe(one);
  });

  it('a new edit after undo drops what could be redone', () => {
    state().commit(setParam(state().doc, 'conv', 'filters', 32));
    undo();
    expect(state().future).toHaveLength(1);
    state().commit(setParam(state().doc, 'fc', 'units', 7));
    expect(state().future).toEqual([]);
    const now = state().doc;
    redo();
    expect(state().doc).toBe(now);
  });

  it('undo with no history and redo with nothing undone change nothing', () => {
    const start = state().doc;
    undo();
    redo();
    expect(state().doc).toBe(start);
    expect(dirty()).toBe(false);
  });

  it('deleting a selected block takes it out of the selection; undo brings the block back', () => {
    state().select(['relu', 'fc']);
    state().commit(setParam(state().doc, 'fc', 'units', 5));
    expect(state().selection).toEqual(['relu', 'fc']);
    state().select(['relu']);
    deleteSelection();
    expect(state().selection).toEqual([]);
    undo();
    expect(node('relu')).toBeDefined();
  });

  it('the history keeps the last 300 steps', () => {
    const first = state().doc;
    for (let i = 1; i <= 301; i++) state().commit(setParam(state().doc, 'fc', 'units', i));
    expect(state().past).toHaveLength(300);
    for (let i = 0; i < 300; i++) undo();
    expect(node('fc').params.units).toBe(1);
    expect(state().doc).not.toBe(first);
  });
});
