/** Layout, expand and collapse are changes of view: they never mark a saved project unsaved. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { ModelDocument } from '../../../core/graph/types';
import { isDirty, useDoc } from '../../../renderer/state/document';

const doc = (y: number, expanded = false): ModelDocument => ({
  nodes: [{ id: 'a', type: 'relu', name: 'a', params: {}, position: { x: 0, y }, expanded }],
  edges: [],
  groups: [],
});
const dirty = () => isDirty(useDoc.getState());

describe('dirty state', () => {
  beforeEach(() => useDoc.getState().load(doc(0), '/p/model.cnn.json'));

  it('a view change on a saved project keeps it saved, and so does undoing it', () => {
    useDoc.getState().commit(doc(100, true), { view: true });
    expect(dirty()).toBe(false);
    useDoc.getState().undo();
    expect(dirty()).toBe(false);
    useDoc.getState().redo();
    expect(dirty()).toBe(false);
  });

  it('an edit marks it unsaved, and a view change after it keeps it unsaved', () => {
    useDoc.getState().commit(doc(5));
    expect(dirty()).toBe(true);
    useDoc.getState().commit(doc(200), { view: true });
    expect(dirty()).toBe(true);
    useDoc.getState().undo();
    useDoc.getState().undo();
    expect(dirty()).toBe(false);
  });

  it('saving makes the shown document the clean one', () => {
    useDoc.getState().commit(doc(5));
    const shown = useDoc.getState().doc;
    useDoc.getState().markSaved('/p/model.cnn.json', shown);
    expect(dirty()).toBe(false);
    useDoc.getState().undo();
    expect(dirty()).toBe(true);
  });
});
