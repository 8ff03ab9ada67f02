// @vitest-environment jsdom
/**
 * The block inspector (renderer/editor/Inspector.tsx, NodeInspector, ParamField) on the real
 * document store: each kind of parameter field typed into as a person does, and what reaches the
 * document (one undo step per edited field, nothing for a refused value).
 */
import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { Inspector } from '../../../renderer/editor/Inspector';
import { isDirty, useDoc } from '../../../renderer/state/document';
import { loadChain } from '../../helpers/renderer-doc';

const state = () => useDoc.getState();
const params = (id: string) => state().doc.nodes.find((n) => n.id === id)!.params;
const textbox = (name: string) => screen.getByRole<HTMLInputElement>('textbox', { name });

function inspect(id: string) {
  loadChain(['input', 'conv2d', 'batchnorm2d', 'residual', 'mbconv', 'globalavgpool', 'flatten', 'dense', 'output']);
  state().select([id]);
  render(<Inspector />);
  return userEvent.setup();
}

afterEach(cleanup);

describe('inspector: whole-number parameter (Conv 2D filters)', () => {
  it('typing 1, 12, 128 changes nothing until Enter; then one edit, one undo step', async () => {
    const user = inspect('conv');
    const start = state().doc;
    const field = textbox('Filters');
    await user.clear(field);
    for (const key of ['1', '2', '8']) await user.type(field, key);
    expect(field.value).toBe('128');
    expect(state().doc, 'nothing is committed while typing').toBe(start);
    await user.keyboard('{Enter}');
    expect(params('conv').filters).toBe(128);
    expect(isDirty(state())).toBe(true);
    act(() => state().undo());
    expect(state().doc).toBe(start);
    expect(field.value, 'undo shows the value in effect').toBe('16');
    expect(isDirty(state())).toBe(false);
  });

  it('out of range, zero and a fraction are refused with the reason; the document is untouched', async () => {
    const user = inspect('conv');
    const start = state().doc;
    const field = textbox('Filters');
    for (const [typed, reason] of [
      ['0', 'must be at least 1, got 0'],
      ['70000', 'must be at most 65536, got 70000'],
      ['2.5', 'must be a whole number, got 2.5'],
      ['abc', '"abc" is not a number'],
    ] as const) {
      await user.clear(field);
      await user.type(field, `${typed}{Enter}`);
      expect(screen.getByRole('alert').textContent).toBe(`${reason} · kept 16`);
    }
    expect(state().doc).toBe(start);
    await user.tab();
    expect(state().doc, 'leaving a refused field commits nothing').toBe(start);
  });
});

describe('inspector: float parameter (BatchNorm epsilon and momentum)', () => {
  it('1e-3 typed key by key is committed on blur as 0.001', async () => {
    const user = inspect('bn');
    const field = textbox('Epsilon');
    await user.clear(field);
    await user.type(field, '1e-3');
    expect(field.value).toBe('1e-3');
    await user.tab();
    expect(params('bn').eps).toBe(0.001);
  });

  it('an exclusive minimum refuses 0; momentum above 1 is refused', async () => {
    const user = inspect('bn');
    await user.clear(textbox('Epsilon'));
    await user.type(textbox('Epsilon'), '0{Enter}');
    expect(screen.getByRole('alert').textContent).toBe('must be greater than 0, got 0 · kept 0.00001');
    await user.keyboard('{Escape}');
    await user.clear(textbox('Momentum'));
    await user.type(textbox('Momentum'), '1.5{Enter}');
    expect(screen.getByRole('alert').textContent).toBe('must be at most 1, got 1.5 · kept 0.1');
    expect(params('bn')).toEqual({ eps: 0.00001, momentum: 0.1 });
  });
});

describe('inspector: pair and padding parameters (Conv 2D kernel, stride, padding)', () => {
  it('a square kernel is stored as one number, a rectangle as [h, w]', async () => {
    const user = inspect('conv');
    await user.clear(textbox('Kernel (h×w) width'));
    await user.type(textbox('Kernel (h×w) width'), '5{Enter}');
    expect(params('conv').kernel).toEqual([3, 5]);
    await user.clear(textbox('Kernel (h×w) height'));
    await user.type(textbox('Kernel (h×w) height'), '5{Enter}');
    expect(params('conv').kernel).toBe(5);
  });

  it('one side out of range is refused by its own number', async () => {
    const user = inspect('conv');
    await user.clear(textbox('Stride height'));
    await user.type(textbox('Stride height'), '0{Enter}');
    expect(screen.getByRole('alert').textContent).toBe('must be at least 1, got 0 · kept 1');
    expect(params('conv').stride).toBe(1);
  });

  it('padding: same → pixels shows two fields; 2 × 1 becomes [2, 1]', async () => {
    const user = inspect('conv');
    const mode = screen.getByRole<HTMLSelectElement>('combobox', { name: 'Padding' });
    expect(mode.value).toBe('same');
    await user.selectOptions(mode, 'pixels');
    expect(params('conv').padding).toBe(0);
    await user.clear(textbox('Padding height'));
    await user.type(textbox('Padding height'), '2{Enter}');
    await user.clear(textbox('Padding width'));
    await user.type(textbox('Padding width'), '1{Enter}');
    expect(params('conv').padding).toEqual([2, 1]);
    await user.selectOptions(mode, 'valid');
    expect(params('conv').padding).toBe('valid');
    expect(screen.queryByRole('textbox', { name: 'Padding height' })).toBeNull();
  });
});

describe('inspector: select, checkbox and name', () => {
  it('an enum select (Residual variant) sets the parameter; undo restores it', async () => {
    const user = inspect('layer');
    const before = state().doc;
    await user.selectOptions(screen.getByRole('combobox', { name: 'Variant' }), 'bottleneck');
    expect(params('layer').variant).toBe('bottleneck');
    act(() => state().undo());
    expect(state().doc).toBe(before);
    expect(screen.getByRole<HTMLSelectElement>('combobox', { name: 'Variant' }).value).toBe('basic');
  });

  it('a bool checkbox (Bias) and the Frozen checkbox', async () => {
    const user = inspect('conv');
    await user.click(screen.getByRole('checkbox', { name: 'Bias' }));
    expect(params('conv').bias).toBe(false);
    await user.click(screen.getByRole('checkbox', { name: 'Frozen (keep weights during training)' }));
    expect(state().doc.nodes.find((n) => n.id === 'conv')!.frozen).toBe(true);
  });

  it('rename: a valid name is applied as typed, an invalid one is flagged and never applied', async () => {
    const user = inspect('conv');
    const name = screen.getByTestId<HTMLInputElement>('node-name');
    await user.clear(name);
    await user.type(name, 'stem');
    expect(state().doc.nodes.find((n) => n.id === 'conv')!.name).toBe('stem');
    await user.type(name, ' x');
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText(/Use letters, digits, _ and -/)).toBeTruthy();
    expect(state().doc.nodes.find((n) => n.id === 'conv')!.name).toBe('stem');
    await user.tab();
    expect(name.value, 'leaving the field shows the name in effect').toBe('stem');
  });

  it('Expand on a composite expands it in the document', async () => {
    const user = inspect('layer');
    await user.click(screen.getByRole('button', { name: 'Expand (E)' }));
    expect(state().doc.nodes.find((n) => n.id === 'layer')!.expanded).toBe(true);
    expect(screen.getByRole('button', { name: 'Collapse (E)' })).toBeTruthy();
    expect(isDirty(state()), 'expanding is a change of view').toBe(false);
  });
});
