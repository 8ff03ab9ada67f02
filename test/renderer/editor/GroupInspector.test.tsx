// @vitest-environment jsdom
/**
 * The inspector of a group block (renderer/editor/NodeInspector.tsx, ParamField's `group`
 * select and Repeat field): the definition chosen from the project's groups, Repeat typed key by
 * key within 1 to 256, and Ungroup refused with the reason while Repeat is not 1.
 */
import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Inspector } from '../../../renderer/editor/Inspector';
import { useDoc } from '../../../renderer/state/document';
import { groupSelection } from '../../../renderer/state/ops';
import { useUi } from '../../../renderer/state/ui';
import { loadChain } from '../../helpers/renderer-doc';

const state = () => useDoc.getState();
const groupNode = () => state().doc.nodes.find((n) => n.type === 'group')!;

/** input → [conv, relu] grouped as "Stem" → [bn] grouped as "Norm" → output; the Stem block selected. */
function renderGroup() {
  loadChain(['input', 'conv2d', 'relu', 'batchnorm2d', 'output']);
  for (const [ids, name] of [
    [['conv', 'relu'], 'Stem'],
    [['bn'], 'Norm'],
  ] as const) {
    const r = groupSelection(state().doc, ids, name);
    if ('error' in r) throw new Error(r.error);
    state().load(r.doc, '/p/model.cnn.json');
  }
  state().select([groupNode().id]);
  render(<Inspector />);
  return userEvent.setup();
}

beforeEach(() => useUi.setState({ toasts: [] }));
afterEach(cleanup);

describe('group block inspector', () => {
  it("the Group select lists the project's definitions by name and switches the block to one", async () => {
    const user = renderGroup();
    const select = screen.getByRole<HTMLSelectElement>('combobox', { name: 'Group' });
    expect([...select.options].map((o) => o.textContent)).toEqual(['Stem', 'Norm']);
    const norm = state().doc.groups.find((g) => g.name === 'Norm')!;
    await user.selectOptions(select, 'Norm');
    expect(groupNode().params.group).toBe(norm.id);
  });

  it('Repeat: 300 is refused, 3 is taken on Enter; Ungroup then says why it cannot', async () => {
    const user = renderGroup();
    const repeat = screen.getByRole('textbox', { name: 'Repeat' });
    await user.clear(repeat);
    await user.type(repeat, '300{Enter}');
    expect(screen.getByRole('alert').textContent).toBe('must be at most 256, got 300 · kept 1');
    await user.clear(repeat);
    await user.type(repeat, '3{Enter}');
    expect(groupNode().params.repeat).toBe(3);
    const before = state().doc;
    await user.click(screen.getByRole('button', { name: 'Ungroup' }));
    expect(state().doc).toBe(before);
    expect(useUi.getState().toasts.at(-1)).toMatchObject({ kind: 'error', text: 'Cannot ungroup: set Repeat to 1 before ungrouping' });
  });

  it('Ungroup at Repeat 1 puts the blocks back, one undo step', async () => {
    const user = renderGroup();
    const before = state().doc;
    await user.click(screen.getByRole('button', { name: 'Ungroup' }));
    expect(state().doc.nodes.filter((n) => n.type === 'group')).toHaveLength(1);
    expect(state().doc.nodes.map((n) => n.type)).toEqual(expect.arrayContaining(['conv2d', 'relu']));
    act(() => state().undo());
    expect(state().doc).toBe(before);
  });
});
