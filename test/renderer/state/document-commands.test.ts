/**
 * The editing commands through the stores (renderer/state): each command is one undo step, undo
 * gives back the very document it replaced (positions included) and redo the one it made; and the
 * layout they leave has no overlapping blocks (expand, collapse, fix, insert).
 */
import '../../helpers/browser-stubs';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ModelDocument } from '../../../core/graph/types';
import { buildTemplate } from '../../../core/templates/index';
import { overlapCount } from '../../../renderer/layout/reflow';
import { useAnalysis } from '../../../renderer/state/analysis';
import {
  addFromPalette,
  applyFixWithRoom,
  copySelection,
  cutSelection,
  deleteSelection,
  duplicate,
  groupSelected,
  paste,
  redo,
  setAllExpanded,
  setExpanded,
  toggleExpandSelection,
  undo,
  ungroupSelected,
} from '../../../renderer/state/commands';
import { isDirty, useDoc } from '../../../renderer/state/document';
import { connect, moveNodes, renameNode, setParam } from '../../../renderer/state/ops';
import { boxesOf } from '../../../renderer/state/placement';
import { loadChain } from '../../helpers/renderer-doc';

const state = () => useDoc.getState();
const node = (id: string) => state().doc.nodes.find((n) => n.id === id)!;
const wires = () =>
  state()
    .doc.edges.map((e) => `${e.from.node}>${e.to.node}`)
    .sort();
/** Pairs of top-level blocks that overlap as the canvas draws them now. */
const overlaps = () => overlapCount([...boxesOf(state().doc, useAnalysis.getState()).values()]);
const positions = (doc: ModelDocument) => new Map(doc.nodes.map((n) => [n.id, n.position]));

/**
 * Runs `edit` and checks it is one undo step: one undo gives back the very document it replaced,
 * one redo the very document it made. The unsaved mark follows: an edit sets it, a change of view
 * (`view`: expand, collapse) leaves it as it was, undo puts it back and redo sets it again.
 */
function expectOneUndoStep(edit: () => void, kind: 'edit' | 'view' = 'edit'): { before: ModelDocument; after: ModelDocument } {
  const before = state().doc;
  const dirtyBefore = isDirty(state());
  edit();
  const after = state().doc;
  expect(after, 'the command changed nothing').not.toBe(before);
  const dirtyAfter = isDirty(state());
  expect(dirtyAfter, 'unsaved after the command').toBe(kind === 'edit' ? true : dirtyBefore);
  undo();
  expect(state().doc).toBe(before);
  expect(isDirty(state()), 'unsaved after undo').toBe(dirtyBefore);
  redo();
  expect(state().doc).toBe(after);
  expect(isDirty(state()), 'unsaved after redo').toBe(dirtyAfter);
  return { before, after };
}

describe('undo and redo of each document command', () => {
  beforeEach(() => {
    loadChain(['input', 'conv2d', 'relu', 'dense', 'output']);
  });

  it('add from the palette, with a block selected: inserted after it, one step', () => {
    state().select(['conv']);
    let added = '';
    const { before } = expectOneUndoStep(() => {
      added = addFromPalette('batchnorm2d', null, { x: 0, y: 0 });
    });
    expect(wires()).toContain(`conv>${added}`);
    expect(wires()).toContain(`${added}>relu`);
    expect(wires()).not.toContain('conv>relu');
    expect(overlaps()).toBe(0);
    undo();
    expect(positions(state().doc)).toEqual(positions(before));
    expect(wires()).toContain('conv>relu');
  });

  it('delete a block: it and its wires go; undo brings both back', () => {
    state().select(['relu']);
    const { before } = expectOneUndoStep(deleteSelection);
    expect(state().doc.nodes.map((n) => n.id)).not.toContain('relu');
    expect(wires()).toEqual(['fc>output', 'input>conv']);
    undo();
    expect(state().doc.edges).toEqual(before.edges);
  });

  it('connect and disconnect (delete a wire)', () => {
    const edge = state().doc.edges.find((e) => e.from.node === 'relu')!;
    state().select([], [edge.id]);
    expectOneUndoStep(deleteSelection);
    expect(wires()).not.toContain('relu>fc');
    expectOneUndoStep(() => state().commit(connect(state().doc, { node: 'conv', port: 0 }, { node: 'fc', port: 0 }).doc));
    expect(wires()).toContain('conv>fc');
    undo();
    undo();
    expect(wires()).toContain('relu>fc');
  });

  it('set a parameter and rename: typing a number key by key is one undo step', () => {
    const before = state().doc;
    for (const typed of [1, 12, 128]) state().commit(setParam(state().doc, 'conv', 'filters', typed), { coalesce: 'conv.filters' });
    expect(node('conv').params.filters).toBe(128);
    undo();
    expect(state().doc).toBe(before);
    redo();
    expect(node('conv').params.filters).toBe(128);
    expectOneUndoStep(() => state().commit(renameNode(state().doc, 'conv', 'stem'), { coalesce: 'conv.name' }));
    expect(node('conv').name).toBe('stem');
  });

  it('move: positions come back exactly on undo and go again on redo', () => {
    const { before, after } = expectOneUndoStep(() => state().commit(moveNodes(state().doc, new Map([['relu', { x: 333.4, y: -12.6 }]]))));
    expect(after.nodes.find((n) => n.id === 'relu')!.position).toEqual({ x: 333, y: -13 });
    undo();
    expect(positions(state().doc)).toEqual(positions(before));
  });

  it('cut, paste and duplicate: one step each; pasted copies sit apart from the originals', () => {
    state().select(['relu']);
    expect(copySelection()).toBe(true);
    expectOneUndoStep(paste);
    expectOneUndoStep(duplicate);
    const relus = state().doc.nodes.filter((n) => n.type === 'relu');
    expect(relus).toHaveLength(3);
    expect(new Set(relus.map((n) => `${n.position.x},${n.position.y}`)).size).toBe(3);
    state().select(['conv']);
    expectOneUndoStep(cutSelection);
    expect(state().doc.nodes.some((n) => n.id === 'conv')).toBe(false);
  });

  it('group and ungroup', () => {
    state().select(['conv', 'relu']);
    expectOneUndoStep(() => groupSelected('stem'));
    const group = state().doc.nodes.find((n) => n.type === 'group')!;
    expect(group.name).toMatch(/^stem/);
    expect(state().doc.nodes.map((n) => n.id)).not.toContain('conv');
    state().select([group.id]);
    expectOneUndoStep(ungroupSelected);
    expect(state().doc.nodes.some((n) => n.type === 'group')).toBe(false);
    expect(wires()).toEqual(expect.arrayContaining(['input>conv', 'conv>relu', 'relu>fc']));
  });

  it('a fix: Insert Flatten, placed without overlaps, one step', () => {
    loadChain(['input', 'conv2d', 'dense', 'output']);
    const fix = useAnalysis
      .getState()
      .byNode.get('fc')
      ?.flatMap((d) => d.fixes)
      .find((f) => f.label === 'Insert Flatten');
    expect(fix, 'the analysis offers Insert Flatten for a Dense fed by a Conv').toBeDefined();
    const { before } = expectOneUndoStep(() => applyFixWithRoom(fix!));
    const flatten = state().doc.nodes.find((n) => n.type === 'flatten')!;
    expect(wires()).toEqual(expect.arrayContaining([`conv>${flatten.id}`, `${flatten.id}>fc`]));
    expect(overlaps()).toBe(0);
    expect(node('fc').position.y).toBeGreaterThan(flatten.position.y);
    undo();
    expect(positions(state().doc)).toEqual(positions(before));
  });
});

describe('layout: expand and collapse', () => {
  it('expanding one composite makes room below it; collapsing gives the drawing back', () => {
    loadChain(['input', 'conv2d', 'inception', 'globalavgpool', 'flatten', 'dense', 'output']);
    const start = state().doc;
    expect(overlaps()).toBe(0);
    const { after } = expectOneUndoStep(() => setExpanded('inception', true), 'view');
    expect(overlaps()).toBe(0);
    const grown = boxesOf(after, useAnalysis.getState()).get('inception')!;
    expect(node('gap').position.y, 'the block under the expanded one moved below it').toBeGreaterThanOrEqual(grown.y + grown.height);
    setExpanded('inception', false);
    expect(positions(state().doc)).toEqual(positions(start));
    expect(overlaps()).toBe(0);
  });

  it('the Expand/Collapse command on the selection: one step each way, no overlaps', () => {
    loadChain(['input', 'conv2d', 'inception', 'globalavgpool', 'flatten', 'dense', 'output']);
    const start = state().doc;
    state().select(['inception']);
    expectOneUndoStep(toggleExpandSelection, 'view');
    expect(node('inception').expanded).toBe(true);
    expect(overlaps()).toBe(0);
    expectOneUndoStep(toggleExpandSelection, 'view');
    expect(node('inception').expanded).toBe(false);
    expect(positions(state().doc)).toEqual(positions(start));
  });

  it('Expand all on GoogLeNet: no overlapping blocks; undo restores every position; Collapse all too', () => {
    state().load(buildTemplate('googlenet'), null);
    const start = state().doc;
    expect(overlaps()).toBe(0);
    const { after } = expectOneUndoStep(() => setAllExpanded(true), 'view');
    expect(after.nodes.filter((n) => n.expanded).length).toBeGreaterThan(5);
    expect(overlaps()).toBe(0);
    undo();
    expect(positions(state().doc)).toEqual(positions(start));
    redo();
    expectOneUndoStep(() => setAllExpanded(false), 'view');
    expect(overlaps()).toBe(0);
  });
});
