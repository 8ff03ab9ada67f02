// @vitest-environment jsdom
/**
 * Several blocks selected (renderer/editor/SelectionInspector.tsx): the group name typed key by
 * key, refused while blank, and the group made from the selection as one undo step.
 */
import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { Inspector } from '../../../renderer/editor/Inspector';
import { useDoc } from '../../../renderer/state/document';
import { loadChain } from '../../helpers/renderer-doc';

const state = () => useDoc.getState();

afterEach(cleanup);

describe('selection inspector', () => {
  it('a blank name cannot group; a typed one groups the selection, undone in one step', async () => {
    loadChain(['input', 'conv2d', 'relu', 'flatten', 'dense', 'output']);
    state().select(['conv', 'relu']);
    render(<Inspector />);
    const user = userEvent.setup();
    const start = state().doc;
    expect(screen.getByText('2 blocks selected')).toBeTruthy();
    const name = screen.getByRole<HTMLInputElement>('textbox', { name: 'Group name' });
    const group = screen.getByRole<HTMLButtonElement>('button', { name: 'Group into a block (Ctrl+G)' });
    await user.clear(name);
    await user.type(name, '   ');
    expect(group.disabled).toBe(true);
    await user.clear(name);
    await user.type(name, ' Stem ');
    await user.click(group);
    const made = state().doc.nodes.find((n) => n.type === 'group')!;
    expect(made.name).toBe('stem1');
    expect(state().doc.groups.map((g) => g.name)).toEqual(['Stem']);
    expect(state().selection).toEqual([made.id]);
    act(() => state().undo());
    expect(state().doc).toBe(start);
  });

  it('Delete removes the selected blocks and their wires', async () => {
    loadChain(['input', 'conv2d', 'relu', 'flatten', 'dense', 'output']);
    state().select(['conv', 'relu']);
    render(<Inspector />);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Delete' }));
    expect(state().doc.nodes.map((n) => n.id)).toEqual(['input', 'flatten', 'fc', 'output']);
    expect(state().doc.edges.map((e) => `${e.from.node}>${e.to.node}`)).toEqual(['flatten>fc', 'fc>output']);
  });
});
