// @vitest-environment jsdom
/**
 * The block palette (renderer/editor/Palette.tsx): the search typed key by key narrows the list;
 * Enter adds the best match under the selected block, wired in, as one undo step; Escape clears;
 * a search with no match says so; the project's own groups are offered and added.
 */
import { act, cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ReactFlowProvider } from '@xyflow/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Palette } from '../../../renderer/editor/Palette';
import { useDoc } from '../../../renderer/state/document';
import { groupSelection } from '../../../renderer/state/ops';
import { loadChain } from '../../helpers/renderer-doc';

const state = () => useDoc.getState();
const wires = () =>
  state()
    .doc.edges.map((e) => `${e.from.node}>${e.to.node}`)
    .sort();

function renderPalette() {
  render(
    <ReactFlowProvider>
      <Palette />
    </ReactFlowProvider>,
  );
  return { user: userEvent.setup(), search: screen.getByRole<HTMLInputElement>('searchbox', { name: 'Search blocks' }) };
}
const listed = () =>
  within(screen.getByRole('complementary', { name: 'Blocks' }))
    .queryAllByRole('button')
    .map((b) => b.textContent);

afterEach(cleanup);

describe('palette search', () => {
  it('narrows as each key is typed; Enter inserts the best match after the selected block, one undo step', async () => {
    loadChain(['input', 'conv2d', 'relu', 'flatten', 'dense', 'output']);
    state().select(['conv']);
    const { user, search } = renderPalette();
    const all = listed().length;
    await user.type(search, 'ba');
    const afterTwo = listed().length;
    expect(afterTwo).toBeLessThan(all);
    await user.type(search, 'tch');
    expect(listed().length).toBeLessThanOrEqual(afterTwo);
    expect(listed()[0]).toBe('Batch Norm 2D');
    const start = state().doc;
    await user.keyboard('{Enter}');
    const added = state().doc.nodes.find((n) => n.type === 'batchnorm2d')!;
    expect(wires()).toEqual(expect.arrayContaining([`conv>${added.id}`, `${added.id}>relu`]));
    expect(wires()).not.toContain('conv>relu');
    expect(state().selection).toEqual([added.id]);
    act(() => state().undo());
    expect(state().doc).toBe(start);
  });

  it('a search with no match says so; Escape clears it', async () => {
    loadChain(['input', 'output']);
    const { user, search } = renderPalette();
    await user.type(search, 'zzzq');
    expect(screen.getByText('No block matches “zzzq”.')).toBeTruthy();
    await user.keyboard('{Enter}');
    expect(state().doc.nodes).toHaveLength(2);
    await user.type(search, '{Escape}');
    expect(search.value).toBe('');
    expect(screen.queryByText(/No block matches/)).toBeNull();
  });

  it("the project's groups are offered, found by name, and added as a group block", async () => {
    loadChain(['input', 'conv2d', 'relu', 'output']);
    const grouped = groupSelection(state().doc, ['conv', 'relu'], 'Stem');
    if ('error' in grouped) throw new Error(grouped.error);
    state().load(grouped.doc, null);
    const { user, search } = renderPalette();
    await user.type(search, 'ste');
    const offered = screen.getByRole('button', { name: 'Stem' });
    await user.click(offered);
    const instances = state().doc.nodes.filter((n) => n.type === 'group');
    expect(instances).toHaveLength(2);
    expect(instances[1]!.params).toEqual({ group: instances[0]!.params.group, repeat: 1 });
  });
});
